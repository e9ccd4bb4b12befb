using System.Net;
using CxActors.Bench.Data;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

public sealed record AuthCostResult(double IngestKeysPerSecond, double IngestOffPerSecond, double QueryKeysPerSecond, double QueryOffPerSecond,
    int Rounds, long IngestRecordsEach, long QueriesKeys, long QueriesOff)
{
    public double IngestRatio => IngestOffPerSecond > 0 ? IngestKeysPerSecond / IngestOffPerSecond : double.NaN;
    public double QueryRatio => QueryOffPerSecond > 0 ? QueryKeysPerSecond / QueryOffPerSecond : double.NaN;
}

/// <summary>
/// The cost of authentication: two fresh silos on the bench database, alike but for <c>Auth:Disabled</c> (one checks
/// the API key of every request, the other lets every request in; it listens on 127.0.0.1 only, as that option
/// requires), each its own Orleans cluster with its own customers. Both get the same requests, key header included,
/// and the same unlimited rate limits (so that the limiter, identical on both, throttles neither). Ingest and the
/// per-customer GraphQL query of part 3 run on each in turn, alternating the order every round so that drift on the
/// machine falls on both; the ratios are keyed throughput / unauthenticated throughput.
/// </summary>
public static class AuthCostBench
{
    private const int Rounds = 4;

    public static async Task<AuthCostResult> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var recordsPerRound = Math.Clamp(o.Interactions / 8, 1_000, 100_000);
        var customersEach = Math.Clamp(o.Customers / 4, 100, 20_000);
        BenchContext.Log($"auth cost: two silos (API keys / Auth:Disabled), {Rounds} rounds of {recordsPerRound:N0} records and {o.QuerySeconds} s of queries each");
        Dictionary<string, string> Settings(string cluster, bool disabled)
        {
            var settings = new Dictionary<string, string>
            {
                ["Orleans:ClusterId"] = cluster,
                ["Logging:LogLevel:CxActors"] = "Warning",
                ["Auth:RateLimits:ingest:PermitsPerSecond"] = "0",
                ["Auth:RateLimits:read:PermitsPerSecond"] = "0",
            };
            if (disabled)
                settings["Auth:Disabled"] = "true";
            return settings;
        }
        await using var keyed = await SiloProcess.StartAsync(ctx.Database.ConnectionString, Settings("cx-bench-auth-keys", false), apiKey: ctx.Silo.ApiKey, keyStored: true);
        await using var open = await SiloProcess.StartAsync(ctx.Database.ConnectionString, Settings("cx-bench-auth-off", true), apiKey: ctx.Silo.ApiKey, keyStored: true);
        var silos = new[] { (Name: "keys", Silo: keyed), (Name: "off", Silo: open) };
        // Unauthenticated requests must be refused by the keyed silo and let in by the other: else the comparison is void.
        using (var anonymous = new HttpClient())
        {
            using var refused = await anonymous.PostAsync($"{keyed.Url}/graphql", Json("{\"query\":\"{ __typename }\"}"));
            using var allowed = await anonymous.PostAsync($"{open.Url}/graphql", Json("{\"query\":\"{ __typename }\"}"));
            if (refused.StatusCode != HttpStatusCode.Unauthorized || allowed.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"auth cost: anonymous /graphql answered {(int)refused.StatusCode} (keys) and {(int)allowed.StatusCode} (off)");
        }

        var ingested = new Dictionary<string, (long Records, double Seconds)> { ["keys"] = (0, 0), ["off"] = (0, 0) };
        var queried = new Dictionary<string, (long Requests, double Seconds)> { ["keys"] = (0, 0), ["off"] = (0, 0) };
        long sourceNumber = 9_000_000_000;
        var start = DateTime.UtcNow.AddDays(-30).Ticks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;
        var sequence = 0L;
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (name, silo) in round % 2 == 0 ? silos : silos.Reverse())
            {
                var bodies = new List<byte[]>();
                for (var sent = 0; sent < recordsPerRound; sent += o.Batch)
                {
                    var size = Math.Min(o.Batch, recordsPerRound - sent);
                    bodies.Add(SyntheticData.CanonicalBody(Enumerable.Range(0, size).Select(_ =>
                    {
                        var n = sequence++;
                        return (ctx.Data.Make((int)(n % ctx.Data.Counts.Length), start + n * TimeSpan.TicksPerSecond, ref sourceNumber),
                            $"auth-{name}-{n % customersEach}@{SyntheticData.Domain}");
                    })));
                }
                var (records, seconds) = await IngestAsync(ctx, silo.Url, bodies, o.IngestClients);
                ingested[name] = (ingested[name].Records + records, ingested[name].Seconds + seconds);
            }
        }
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var (name, silo) in round % 2 == 0 ? silos : silos.Reverse())
            {
                var (requests, seconds) = await QueryAsync(ctx, silo.Url, name, customersEach, o.QueryClients, TimeSpan.FromSeconds(Math.Max(1, o.QuerySeconds / 2.0)), round);
                queried[name] = (queried[name].Requests + requests, queried[name].Seconds + seconds);
            }
        }
        static double Rate(long count, double seconds) => seconds > 0 ? count / seconds : double.NaN;
        return new AuthCostResult(
            Rate(ingested["keys"].Records, ingested["keys"].Seconds), Rate(ingested["off"].Records, ingested["off"].Seconds),
            Rate(queried["keys"].Requests, queried["keys"].Seconds), Rate(queried["off"].Requests, queried["off"].Seconds),
            Rounds, ingested["keys"].Records, queried["keys"].Requests, queried["off"].Requests);
    }

    private static ByteArrayContent Json(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Every body from <paramref name="clients"/> concurrent senders; accepted records and the wall time.</summary>
    private static async Task<(long Records, double Seconds)> IngestAsync(BenchContext ctx, string url, List<byte[]> bodies, int clients)
    {
        var next = -1;
        long accepted = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < bodies.Count; i = Interlocked.Increment(ref next))
            {
                using var content = new ByteArrayContent(bodies[i]);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await ctx.Http.PostAsync($"{url}/ingest/interactions", content);
                var text = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"auth cost: POST /ingest/interactions: HTTP {(int)response.StatusCode}: {text}");
                using var json = System.Text.Json.JsonDocument.Parse(text);
                Interlocked.Add(ref accepted, json.RootElement.GetProperty("accepted").GetInt32() + json.RootElement.GetProperty("duplicates").GetInt32());
            }
        }));
        return (accepted, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Part 3's per-customer query for random customers of this silo, from concurrent clients, for a while.</summary>
    private static async Task<(long Requests, double Seconds)> QueryAsync(BenchContext ctx, string url, string name, int customers, int clients,
        TimeSpan duration, int round)
    {
        long requests = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var random = new Random(ctx.Options.Seed + 100 * round + client);
            while (clock.Elapsed < duration)
            {
                using var content = new ByteArrayContent(QueryBench.Body(QueryBench.CustomerQuery, $"auth-{name}-{random.Next(customers)}@{SyntheticData.Domain}"));
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                using var response = await ctx.Http.PostAsync($"{url}/graphql", content);
                await response.Content.ReadAsByteArrayAsync();
                if (response.StatusCode != HttpStatusCode.OK)
                    throw new InvalidOperationException($"auth cost: POST /graphql: HTTP {(int)response.StatusCode}");
                Interlocked.Increment(ref requests);
            }
        }));
        return (requests, clock.Elapsed.TotalSeconds);
    }
}
