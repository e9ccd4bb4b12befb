using System.Collections.Concurrent;

namespace CxActors.Customers;

/// <summary>
/// A two-byte code per distinct short value of the low-cardinality fields (agent, status, queue, classifications,
/// source): 100,000 windows each holding "Dúvidas Gerais" should hold one string and a code, not a reference each.
/// Bounded, so that a stream of unique values cannot grow it without limit; past the bound a value gets
/// <see cref="Unpooled"/> and its holder keeps the text itself. Codes are never reused or removed.
/// </summary>
internal static class TextPool
{
    public const ushort Null = 0;
    public const ushort Unpooled = ushort.MaxValue;
    private const int MaxEntries = 50_000;
    private const int MaxLength = 64;
    private static readonly ConcurrentDictionary<string, ushort> Codes = new(StringComparer.Ordinal);
    private static readonly Lock Growing = new();
    // Index = code. Replaced, never changed in place below its count, so a reader holding a code always finds it.
    private static string[] _texts = new string[256];
    private static int _count = 1; // code 0 is null

    public static ushort CodeOf(string? value)
    {
        if (value is null)
            return Null;
        if (value.Length > MaxLength)
            return Unpooled;
        if (Codes.TryGetValue(value, out var code))
            return code;
        if (Volatile.Read(ref _count) > MaxEntries)
            return Unpooled; // full for good: no lock for every new value from then on
        lock (Growing)
        {
            if (Codes.TryGetValue(value, out code))
                return code;
            if (_count > MaxEntries)
                return Unpooled;
            var texts = _texts;
            if (_count == texts.Length)
            {
                Array.Resize(ref texts, texts.Length * 2);
                Volatile.Write(ref _texts, texts);
            }
            code = (ushort)_count++;
            texts[code] = value;
            // Published only now: whoever reads the code finds its text in either array.
            Codes[value] = code;
            return code;
        }
    }

    /// <summary>The text of a code from <see cref="CodeOf"/> other than <see cref="Unpooled"/>.</summary>
    public static string? TextOf(ushort code) => code == Null ? null : Volatile.Read(ref _texts)[code];
}
