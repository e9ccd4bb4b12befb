using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

/// <summary>The rates one variant of <see cref="SiloSettingsComparison"/> measured, one per phase it ran.</summary>
public sealed record VariantRates(List<double> Ingest, List<double> Query);

/// <summary>
/// What a setting costs: the silo restarted under each variant's settings, phase by phase in the given order on the same
/// database (an order such as off, on, on, off cancels a drift of the machine out of the ratios). Each phase restarts
/// the silo on the same ports, then warms up exactly what it measures next (a fresh process spends its first seconds
/// compiling, and a variant with more code to compile would otherwise pay for it in the figure): a tenth as many new
/// customers as it then ingests, and one customer query for each of the customers it then queries. Then it ingests its
/// own new customers (the activation shape, an eighth of part 1's size, so that a phase lasts seconds, not one) and,
/// when asked, runs the customer query of part 3 for half of <c>--query-seconds</c> over those warm customers (the
/// first 2,000 of part 1: after a restart every grain is cold, and a query of a cold customer measures its activation,
/// which part 3 and the cold-query figures measure on their own).
/// </summary>
public static class SiloSettingsComparison
{
    public static async Task<Dictionary<string, VariantRates>> RunAsync(BenchContext ctx,
        Func<SiloPorts, IDictionary<string, string>, Task<SiloProcess>> startSilo, string part,
        IReadOnlyDictionary<string, Dictionary<string, string>> variants, IReadOnlyList<string> order, long firstSourceNumber, bool query)
    {
        var o = ctx.Options;
        var random = new Random(o.Seed + part.Length * 31);
        var queried = ctx.Data.Emails.Take(2_000).ToArray();
        var warmQueries = queried.Select(email => QueryBench.Body(QueryBench.CustomerQuery, email)).ToArray();
        var queries = Enumerable.Range(0, 1 << 14).Select(_ => warmQueries[random.Next(warmQueries.Length)]).ToArray();
        var perPhase = Math.Max(o.Batch, o.Interactions / 8);
        var rates = variants.Keys.ToDictionary(name => name, _ => new VariantRates([], []));
        for (var phase = 0; phase < order.Count; phase++)
        {
            var variant = order[phase];
            BenchContext.Log($"{part} {phase + 1}/{order.Count}: restarting the silo, {variant}");
            var old = ctx.Silo;
            await old.StopAsync(TimeSpan.FromSeconds(20));
            ctx.Silo = await startSilo(old.Ports, variants[variant]);
            await old.DisposeAsync();

            // Source numbers: 100 M per phase, the warm-up's from the upper half.
            var sourceNumber = firstSourceNumber + phase * 100_000_000L;
            var (warmBodies, _, _) = ActivationBench.NewCustomerBodies(ctx, $"{part}{phase}w", Math.Max(o.Batch, perPhase / 10), o.Seed + 41 + phase, sourceNumber + 50_000_000L);
            await ActivationBench.PostAllAsync(ctx, warmBodies, o.IngestClients);
            var (bodies, _, _) = ActivationBench.NewCustomerBodies(ctx, $"{part}{phase}", perPhase, o.Seed + 17 + phase, sourceNumber);
            var ((accepted, seconds), _) = await ctx.MeasureAsync($"{part} {phase + 1} ingest, {variant}", () => ActivationBench.PostAllAsync(ctx, bodies, o.IngestClients));
            rates[variant].Ingest.Add(accepted / seconds);
            if (!query)
                continue;

            await QueryBench.GraphQLPassAsync(ctx, warmQueries, o.QueryClients);
            var counts = new long[2];
            var (querySeconds, _) = await ctx.MeasureAsync($"{part} {phase + 1} query, {variant}",
                () => QueryBench.GraphQLLoadAsync(ctx, queries, o.QueryClients, o.QuerySeconds / 2, new Latencies(), counts));
            rates[variant].Query.Add((counts[0] - counts[1]) / querySeconds);
            if (counts[1] > 0)
                ctx.Notes.Add($"{part} phase {phase + 1}: {counts[1]:N0} of {counts[0]:N0} GraphQL requests failed or returned errors");
        }
        return rates;
    }
}
