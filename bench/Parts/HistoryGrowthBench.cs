using CxActors.Bench.Data;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

public sealed record HistoryLevel(int History, double NaturalMs, double SourceIdMs);

public sealed record HistoryResult(IReadOnlyList<HistoryLevel> Levels, double NaturalGrowth, double SourceIdGrowth, PhaseUsage Usage)
{
    /// <summary>The figure: the worse of the two identity kinds.</summary>
    public double Growth => Math.Max(NaturalGrowth, SourceIdGrowth);
}

/// <summary>
/// Part 2: the cost of recording one more interaction for a customer who already has 10, 1,000 and 100,000. One
/// customer per level is loaded through the ingest endpoint (its real path), then single-interaction requests are
/// sent one at a time, round-robin over the levels so that drift on the shared machine hits every level alike.
/// The cost is the median request latency, for both identity kinds: a source id (phone, chat) and the natural
/// identity (customer, channel, startedAt; WhatsApp, e-mail).
/// </summary>
public static class HistoryGrowthBench
{
    public static async Task<HistoryResult> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var random = new Random(o.Seed + 2);
        var now = DateTime.UtcNow;
        var customers = o.HistoryLevels.Select(level => $"history-{level}@{SyntheticData.Domain}").ToArray();
        long sourceNumber = 9_000_000_000;

        for (var l = 0; l < o.HistoryLevels.Length; l++)
        {
            var level = o.HistoryLevels[l];
            BenchContext.Log($"part 2: loading a customer with {level:N0} interactions");
            var history = Enumerable.Range(0, level)
                .Select(k => ctx.Data.Make(0, now.AddDays(-1).Ticks - (long)(random.NextDouble() * TimeSpan.FromDays(365).Ticks) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond, ref sourceNumber))
                .OrderBy(i => i.StartedTicks)
                .ToList();
            var next = -1;
            var bodies = history.Chunk(1000).Select(chunk => SyntheticData.CanonicalBody(chunk.Select(i => (i, customers[l])))).ToList();
            long accepted = 0;
            // Two clients: the grain is reentrant, so calls overlap their waits for the log.
            await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) < bodies.Count)
                    Interlocked.Add(ref accepted, (await ctx.PostInteractionsAsync(bodies[b])).Accepted);
            })));
            if (accepted != level)
                ctx.Notes.Add($"part 2: the {level:N0}-interaction customer got {accepted:N0} accepted (identity collisions in the generator?)");
        }

        // One new interaction per request, newest of the customer's history, unique per request.
        var stamp = now.AddMinutes(-10).Ticks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;
        GenInteraction NewInteraction(bool withSourceId)
        {
            GenInteraction i;
            do
                i = ctx.Data.Make(0, stamp += TimeSpan.TicksPerMillisecond * 7, ref sourceNumber);
            while ((i.SourceNumber != 0) != withSourceId);
            return i;
        }

        // Warm-up: the same path for every level (activation, JIT), not measured.
        foreach (var customer in customers)
            for (var w = 0; w < 10; w++)
                await ctx.PostInteractionsAsync(SyntheticData.CanonicalBody([(NewInteraction(w % 2 == 0), customer)]));

        BenchContext.Log($"part 2: {o.HistorySamples} single-interaction requests per level and identity kind, one at a time");
        var natural = o.HistoryLevels.Select(_ => new Latencies()).ToArray();
        var sourced = o.HistoryLevels.Select(_ => new Latencies()).ToArray();
        var (_, usage) = await ctx.MeasureAsync("2 write cost vs history", async () =>
        {
            for (var s = 0; s < o.HistorySamples; s++)
            {
                for (var l = 0; l < customers.Length; l++)
                {
                    foreach (var withId in new[] { s % 2 == 0, s % 2 != 0 })
                    {
                        var body = SyntheticData.CanonicalBody([(NewInteraction(withId), customers[l])]);
                        var t0 = Stopwatch.GetTimestamp();
                        var answer = await ctx.PostInteractionsAsync(body);
                        (withId ? sourced : natural)[l].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                        if (answer.Accepted != 1)
                            throw new InvalidOperationException($"part 2: a new interaction was not accepted ({answer})");
                    }
                }
            }
            return 0;
        });

        var levels = o.HistoryLevels.Select((h, l) => new HistoryLevel(h, natural[l].Percentile(50), sourced[l].Percentile(50))).ToList();
        return new HistoryResult(levels, levels[^1].NaturalMs / levels[0].NaturalMs, levels[^1].SourceIdMs / levels[0].SourceIdMs, usage);
    }
}
