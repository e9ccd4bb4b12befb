using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

public sealed record DashboardCostResult(double IngestOffPerSecond, double IngestOnPerSecond, double IngestProfilingPerSecond, int Rounds)
{
    public double IngestRatio => IngestOnPerSecond / IngestOffPerSecond;
    public double ProfilingIngestRatio => IngestProfilingPerSecond / IngestOffPerSecond;
}

/// <summary>
/// Issue 11's cost of the Orleans dashboard on ingest: the silo with <c>OrleansDashboard:Enabled=false</c>, with the
/// dashboard as shipped (its statistics collection, grain profiling off) and with <c>OrleansDashboard:GrainProfiling=true</c>
/// (a call filter timing every grain call), in the order off, on, profiling, profiling, on, off (once each in the smoke
/// run); see <see cref="SiloSettingsComparison"/>. Ingest only: the dashboard's work is per grain call, and ingest makes
/// the most of them.
/// </summary>
public static class DashboardCostBench
{
    private const long FirstSourceNumber = 8_000_000_000;
    private const string Off = "dashboard off", On = "dashboard on", Profiling = "dashboard with grain profiling";

    public static async Task<DashboardCostResult> RunAsync(BenchContext ctx, Func<SiloPorts, IDictionary<string, string>, Task<SiloProcess>> startSilo)
    {
        var variants = new Dictionary<string, Dictionary<string, string>>
        {
            [Off] = new() { ["OrleansDashboard:Enabled"] = "false" },
            [On] = new() { ["OrleansDashboard:Enabled"] = "true", ["OrleansDashboard:GrainProfiling"] = "false" },
            [Profiling] = new() { ["OrleansDashboard:Enabled"] = "true", ["OrleansDashboard:GrainProfiling"] = "true" },
        };
        string[] order = ctx.Options.Mode == "smoke" ? [Off, On, Profiling] : [Off, On, Profiling, Profiling, On, Off];
        var rates = await SiloSettingsComparison.RunAsync(ctx, startSilo, "dashboard", variants, order, FirstSourceNumber, query: false);
        return new DashboardCostResult(rates[Off].Ingest.Average(), rates[On].Ingest.Average(), rates[Profiling].Ingest.Average(), rates[Off].Ingest.Count);
    }
}
