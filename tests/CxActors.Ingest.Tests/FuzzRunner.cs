using System.Globalization;
using System.Text;
using CsCheck;

namespace CxActors.Ingest.Tests;

/// <summary>
/// Runs a property over generated inputs, deterministically: iteration i draws from its own PCG stream (i) started
/// at one seed, so a run is the same every time and any iteration can be replayed alone. CsCheck's own
/// <c>Sample</c> seeds only its first iteration and draws the rest at random, hence this small loop (and no
/// shrinking: the failing input is written out whole instead).
/// <list type="bullet">
/// <item><c>CX_FUZZ_SEED</c>: the seed (an unsigned 64-bit number; default <see cref="DefaultSeed"/>).</item>
/// <item><c>CX_FUZZ_ITERATIONS</c>: iterations per property (default <see cref="DefaultIterations"/>).</item>
/// </list>
/// A failing input is written to <c>fuzz-failures/</c> under the test output directory (or <c>CX_FUZZ_OUT</c>, which
/// <c>./cx fuzz</c> sets); the assertion names the file.
/// </summary>
internal static class FuzzRunner
{
    public const ulong DefaultSeed = 20_190_108_081_527;
    public const int DefaultIterations = 150;

    public static ulong Seed { get; } = ulong.TryParse(Environment.GetEnvironmentVariable("CX_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;

    public static int Iterations { get; } = int.TryParse(Environment.GetEnvironmentVariable("CX_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : DefaultIterations;

    public static async Task RunAsync(string name, Gen<FuzzInput> inputs, Func<FuzzInput, Task> property)
    {
        for (var i = 0; i < Iterations; i++)
        {
            var input = inputs.Generate(new PCG((uint)i, Seed), null, out _);
            try
            {
                await property(input);
            }
            catch (Exception ex)
            {
                var dir = Environment.GetEnvironmentVariable("CX_FUZZ_OUT") is { Length: > 0 } o ? o : Path.Combine(AppContext.BaseDirectory, "fuzz-failures");
                Directory.CreateDirectory(dir);
                var path = Path.Combine(dir, $"{name}-seed{Seed}-iteration{i}-read{input.ReadSize}.bin");
                await File.WriteAllBytesAsync(path, input.Body);
                Assert.Fail($"{name}: the property failed at CX_FUZZ_SEED={Seed}, iteration {i} (reads of {input.ReadSize} bytes); " +
                    $"the body is in {path}\n{ex}");
            }
        }
    }
}

/// <summary>A generated body, how many records it was written with, and how many bytes each read hands out.</summary>
internal sealed record FuzzInput(byte[] Body, int Records, int ReadSize)
{
    public override string ToString() => $"{Body.Length} bytes, {Records} record(s), reads of {ReadSize}: {Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 200)))}";
}
