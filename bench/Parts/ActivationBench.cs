using CxActors.Bench.Data;

namespace CxActors.Bench.Parts;

public sealed record ActivationResult(int Customers, long Generated, long Accepted, double Seconds, double PerSecond, PhaseUsage Usage)
{
    /// <summary>Silo CPU per interaction of this load, in µs.</summary>
    public double SiloUsPerInteraction => Usage.Cpu.Silo / 100 * Usage.Cpu.Seconds / Math.Max(1, Accepted) * 1e6;

    /// <summary>
    /// <c>activation_silo_us</c>: the silo CPU of this load beyond what its interactions cost in part 1 (same run, µs per
    /// interaction of existing customers), per new customer: what making a customer new costs.
    /// </summary>
    public double ActivationSiloUs(double partOneSiloUsPerInteraction) =>
        (Usage.Cpu.Silo / 100 * Usage.Cpu.Seconds * 1e6 - partOneSiloUsPerInteraction * Accepted) / Customers;
}

/// <summary>
/// The activation-heavy shape of issue 14: every customer new (never seen by the silo nor the database), with 1 to 5
/// contacts each (uniform), a customer's contacts consecutive, so that every request of 500 records holds ~170 customers
/// that all activate for it; from <c>--ingest-clients</c> clients. Its size is a fifth of part 1's interactions
/// (<c>--activation-interactions</c>). Run after part 4 read the memory figures, so these customers are not in them.
/// </summary>
public static class ActivationBench
{
    public const int Batch = 500;
    private const long FirstSourceNumber = 9_000_000_000;

    public static async Task<ActivationResult> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var (bodies, customers, generated) = NewCustomerBodies(ctx, "new", o.ActivationInteractions, o.Seed + 11, FirstSourceNumber);
        var before = await ctx.Database.ScalarAsync("SELECT COUNT(*) FROM customers");
        BenchContext.Log($"activation: {generated:N0} interactions of {customers:N0} new customers in {bodies.Count:N0} requests of {Batch}, {o.IngestClients} clients");
        var ((accepted, seconds), usage) = await ctx.MeasureAsync("A activation-heavy ingest", () => PostAllAsync(ctx, bodies, o.IngestClients));
        var created = await ctx.Database.ScalarAsync("SELECT COUNT(*) FROM customers") - before;
        if (accepted != generated || created != customers)
            ctx.Notes.Add($"activation: {accepted:N0} of {generated:N0} interactions accepted, {created:N0} of {customers:N0} customers created");
        return new ActivationResult(customers, generated, accepted, seconds, accepted / seconds, usage);
    }

    /// <summary>Requests of new customers' contacts (emails <c>{prefix}-N@bench.example</c>), each customer's consecutive.</summary>
    public static (List<byte[]> Bodies, int Customers, long Interactions) NewCustomerBodies(BenchContext ctx, string prefix, int interactions, int seed, long sourceNumber)
    {
        var random = new Random(seed);
        var now = ctx.Data.NowUtc.Ticks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;
        var all = new List<(GenInteraction, string)>(interactions + 5);
        var customers = 0;
        while (all.Count < interactions)
        {
            var email = $"{prefix}-{customers++}@{SyntheticData.Domain}";
            var contacts = 1 + random.Next(5);
            // Within the last 180 days, off whole minutes (as the generator's own), in order within the customer.
            var t = now - TimeSpan.TicksPerDay * 180 + (long)(random.NextDouble() * TimeSpan.TicksPerDay * 170) + 1234 * TimeSpan.TicksPerMillisecond;
            for (var c = 0; c < contacts; c++, t += TimeSpan.TicksPerHour + 7 * TimeSpan.TicksPerSecond)
                all.Add((ctx.Data.Make(0, t, ref sourceNumber), email));
        }
        var bodies = all.Chunk(Batch).Select(chunk => SyntheticData.CanonicalBody(chunk)).ToList();
        return (bodies, customers, all.Count);
    }

    /// <summary>Posts every body from <paramref name="clients"/> clients; accepted records and first send → last acknowledgement.</summary>
    public static async Task<(long Accepted, double Seconds)> PostAllAsync(BenchContext ctx, List<byte[]> bodies, int clients)
    {
        long accepted = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < bodies.Count)
                Interlocked.Add(ref accepted, (await ctx.PostInteractionsAsync(bodies[i])).Accepted);
        })));
        return (accepted, clock.Elapsed.TotalSeconds);
    }
}
