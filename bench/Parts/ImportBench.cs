using System.Text.RegularExpressions;

namespace CxActors.Bench.Parts;

public sealed record ImportResult(bool Available, int Records, double Seconds, double PerSecond, double PeakMb, long Accepted,
    long Duplicates, long Rejected, string Summary, PhaseUsage? Usage);

/// <summary>
/// Part 5: `./cx import email FILE --url URL` of a generated e-mail export, as a child process: records/s over the
/// import process's lifetime, and its peak resident memory (VmHWM, polled from /proc until it exits).
/// </summary>
public static partial class ImportBench
{
    public static async Task<ImportResult> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var cx = Path.Combine(o.Root, "cx");
        if (!File.Exists(cx) || !(await RunAsync(cx, ["help"])).Output.Contains("import", StringComparison.Ordinal))
        {
            ctx.Notes.Add("part 5: ./cx import is not available; import figures are null");
            return new ImportResult(false, 0, 0, double.NaN, double.NaN, 0, 0, 0, "", null);
        }
        // Build it now, untimed: ./cx import builds before it runs, and the build is not the import.
        var build = await RunAsync(cx, ["import", "--help"]);
        if (build.ExitCode != 0)
        {
            ctx.Notes.Add($"part 5: ./cx import could not be built: {build.Output.Trim()}");
            return new ImportResult(false, 0, 0, double.NaN, double.NaN, 0, 0, 0, "", null);
        }

        var folder = Path.Combine(o.Root, ".data", "bench");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"email-export-{o.ImportRecords}.csv");
        BenchContext.Log($"part 5: generating a {o.ImportRecords:N0}-record e-mail export");
        ctx.Data.WriteEmailExport(file, o.ImportRecords);
        BenchContext.Log($"part 5: ./cx import email {Path.GetFileName(file)} ({new FileInfo(file).Length / 1e6:N0} MB)");

        // The binary ./cx import runs once it has built (ingest/Import), started directly so that the phase's time,
        // CPU and memory are the importer's alone, not msbuild's.
        var dll = Path.Combine(o.Root, "ingest", "Import", "bin", BenchOptions.Configuration, "net10.0", "CxActors.Import.dll");
        double seconds = 0, importerCpu = 0;
        long peak = 0;
        string output = "";
        var (_, usage) = await ctx.MeasureAsync("5 ./cx import (e-mail CSV)", async () =>
        {
            var start = new ProcessStartInfo("dotnet", [dll, "email", file, "--url", ctx.Silo.Url])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            start.Environment["CX_API_KEY"] = ctx.Silo.ApiKey;
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            while (!process.HasExited)
            {
                // VmHWM is the high-water mark: the last reading before the exit holds the peak.
                if (Infrastructure.ProcessStats.StatusBytes(process.Id, "VmHWM") is { } hwm)
                    peak = Math.Max(peak, hwm);
                var cpu = Infrastructure.ProcessStats.CpuSeconds(process.Id);
                importerCpu = Math.Max(importerCpu, cpu);
                await Task.Delay(50);
            }
            await process.WaitForExitAsync();
            seconds = clock.Elapsed.TotalSeconds;
            output = await stderr + await stdout;
            if (process.ExitCode != 0)
                ctx.Notes.Add($"part 5: ./cx import exited with {process.ExitCode}: {output.Trim()[..Math.Min(400, output.Trim().Length)]}");
            return 0;
        });
        ctx.Notes.Add($"part 5: the import process itself used {importerCpu / seconds * 100:F0}% CPU (counted under 'other'); " +
                      $"the silo's working set after the import: {Infrastructure.ProcessStats.StatusBytes(ctx.Silo.Pid, "VmRSS") / 1048576.0:N0} MiB");

        // The importer's own summary: "... N records R/s | accepted A | duplicates D | rejected J | S s".
        var summary = output.Split('\n').LastOrDefault(l => l.Contains("accepted", StringComparison.Ordinal))?.Trim() ?? "";
        long Count(string name) => Summary().Match(summary) is { Success: true } m ? long.Parse(m.Groups[name].Value.Replace(",", ""), CultureInfo.InvariantCulture) : -1;
        var accepted = Count("accepted");
        if (accepted != o.ImportRecords)
            ctx.Notes.Add($"part 5: {accepted:N0} of {o.ImportRecords:N0} generated records accepted ({summary})");
        return new ImportResult(true, o.ImportRecords, seconds, o.ImportRecords / seconds, peak / 1048576.0, accepted,
            Count("duplicates"), Count("rejected"), summary, usage);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string cx, string[] args)
    {
        var start = new ProcessStartInfo("bash", [cx, .. args]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex(@"accepted (?<accepted>[\d,]+) \| duplicates (?<duplicates>[\d,]+) \| rejected (?<rejected>[\d,]+)")]
    private static partial Regex Summary();
}
