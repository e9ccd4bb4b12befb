using System.Net;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

public sealed record ColdResult(int Sampled, long CustomersInDatabase, long Snapshots, bool GracefulStop, double StopSeconds, double StartSeconds,
    double P50Ms, double P99Ms, double MeanMs, long Errors, PhaseUsage Usage);

/// <summary>
/// Part 7 (cold queries), last because it replaces the silo: the silo is stopped (SIGTERM, kill after the same 20 s
/// grace as the end of the run) and a new one started on the same ports and database; then the per-customer query of
/// part 3 is sent once for each of <c>--cold-customers</c> random loaded customers (a tenth of them unless set), from
/// <c>--query-clients</c> clients. Every such query activates its customer's grain from MySQL (snapshot and log tail).
/// A handful of queries for the warm-up customers, not in the sample, come first so that JIT and pools are not part
/// of the figure: it is the cost of a cold grain, not of a cold process.
/// </summary>
public static class ColdQueryBench
{
    public static async Task<ColdResult?> RunAsync(BenchContext ctx, Func<SiloPorts, Task<SiloProcess>> startSilo)
    {
        var o = ctx.Options;
        if (!await QueryBench.GraphQLAvailableAsync(ctx))
        {
            ctx.Notes.Add("part 7: GraphQL endpoint not available; cold query figures are null");
            return null;
        }
        var customers = await ctx.Database.ScalarAsync("SELECT COUNT(*) FROM customers");

        BenchContext.Log("part 7: restarting the silo (SIGTERM; kill -9 after 20 s)");
        var old = ctx.Silo;
        var clock = Stopwatch.StartNew();
        var graceful = await old.StopAsync(TimeSpan.FromSeconds(20));
        var stopSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        ctx.Silo = await startSilo(old.Ports);
        var startSeconds = clock.Elapsed.TotalSeconds;
        await old.DisposeAsync();
        // After the stop: a graceful stop writes the snapshots of the grains that had none.
        var snapshots = await ctx.Database.ScalarAsync("SELECT COUNT(*) FROM OrleansStorage");
        BenchContext.Log($"part 7: new silo {ctx.Silo.Url} (pid {ctx.Silo.Pid}) healthy after {startSeconds:F1} s; the old one stopped {(graceful ? "gracefully" : "by kill -9")} in {stopSeconds:F1} s");

        for (var q = 0; q < 50; q++)
            (await QueryBench.PostGraphQLAsync(ctx, QueryBench.CustomerQuery, $"warmup-{q % 50}@{Data.SyntheticData.Domain}")).Dispose();

        var sample = Math.Clamp(o.ColdCustomers ?? o.Customers / 10, 1, ctx.Data.Emails.Length);
        var random = new Random(o.Seed + 7);
        var chosen = Enumerable.Range(0, ctx.Data.Emails.Length).OrderBy(_ => random.Next()).Take(sample)
            .Select(c => QueryBench.Body(QueryBench.CustomerQuery, ctx.Data.Emails[c])).ToArray();
        BenchContext.Log($"part 7: the first query of {sample:N0} random customers, {o.QueryClients} clients");
        var latencies = new Latencies();
        long errors = 0;
        var next = -1;
        var (_, usage) = await ctx.MeasureAsync("7 cold queries after a restart", async () =>
        {
            await Task.WhenAll(Enumerable.Range(0, o.QueryClients).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < chosen.Length)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var ok = false;
                    try
                    {
                        using var content = new ByteArrayContent(chosen[i]);
                        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                        using var response = await ctx.Http.PostAsync($"{ctx.Silo.Url}/graphql", content);
                        var bytes = await response.Content.ReadAsByteArrayAsync();
                        ok = response.StatusCode == HttpStatusCode.OK && bytes.AsSpan().IndexOf("\"errors\""u8) < 0 && bytes.AsSpan().IndexOf("\"customer\":null"u8) < 0;
                    }
                    catch (HttpRequestException)
                    {
                    }
                    latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    if (!ok)
                        Interlocked.Increment(ref errors);
                }
            })));
            return 0;
        });
        if (errors > 0)
            ctx.Notes.Add($"part 7: {errors:N0} of {sample:N0} cold queries failed or returned errors");
        return new ColdResult(sample, customers, snapshots, graceful, stopSeconds, startSeconds,
            latencies.Percentile(50), latencies.Percentile(99), latencies.Mean, errors, usage);
    }
}
