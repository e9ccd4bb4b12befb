using System.Net;
using System.Text.Json;
using CxActors.Bench.Data;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

/// <summary>What one kind of fleet document did during the loaded phase.</summary>
public sealed record FleetKindStats(string Kind, int Complexity, long Completed, long Refused, long RefusedFields, long Failed, double MeanMs, string? FirstFailure);

public sealed record IsolationResult(int FleetClients, double FleetDays,
    double IngestP50Unloaded, double IngestP99Unloaded, double IngestP50Loaded, double IngestP99Loaded, long IngestsUnloaded, long IngestsLoaded,
    double QueryP50Unloaded, double QueryP99Unloaded, double QueryP50Loaded, double QueryP99Loaded, long QueriesUnloaded, long QueriesLoaded,
    long ProbeErrors, IReadOnlyList<FleetKindStats> Kinds, PhaseUsage UnloadedUsage, PhaseUsage LoadedUsage)
{
    public long FleetCompleted => Kinds.Sum(k => k.Completed);
    public long FleetRefused => Kinds.Sum(k => k.Refused);
}

/// <summary>
/// Part 6 (fleet load isolation): the p99 of one-record ingests and of the per-customer GraphQL query, first with
/// nothing else running, then while <c>--fleet-clients</c> clients keep sending the costliest fleet-wide documents the
/// API's limits permit (<c>GraphQL:MaxComplexity</c> 20,000, <c>MaxRootFields</c> 100, <c>MaxFieldSelections</c> 2,000),
/// each client rotating over four kinds. The probes are the same in both phases: two ingest clients and two query
/// clients, each paced at one request every 20 ms (a light, steady load whose latency is the thing measured).
/// </summary>
public static class FleetIsolationBench
{
    private const int ProbeClients = 2;
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The four documents. Complexity as the API computes it (every field 1, a field taking <c>first</c> multiplies
    /// everything below it by its page size):
    /// <list type="bullet">
    /// <item>contactCounts: 1 + 100 x 10 fields + 100 x 40 x (nodes + 3 fields) = 17,001. Two gated MySQL range scans
    /// over the window (the page and totalCount) and 200 grain calls (profile and interactions of each row's customer).</item>
    /// <item>customers+interactions: 1 + 100 x 7 + 100 x 12 x (totalCount + nodes + all 14 fields) = 19,901 (with
    /// <c>first: 13</c> it would be 21,501, refused). Two gated MySQL queries (a primary-key page and COUNT(*) of
    /// customers) and 100 grain calls that read up to 12 interactions each.</item>
    /// <item>100 x contactCounts: 100 aliases (MaxRootFields) of <c>contactCounts(first: 1, since:) { totalCount }</c>,
    /// complexity 200: 200 gated range scans over the window in one request (the most MySQL work a document can ask for).</item>
    /// <item>99 x customers: 99 aliases of <c>customers(first: 100, after:) { nodes { totalContacts } }</c>, complexity
    /// 99 x 201 = 19,899: 99 gated primary-key pages and 9,900 grain calls (the most silo work; grain calls are not gated).</item>
    /// </list>
    /// </summary>
    private static readonly (string Kind, int Complexity)[] Kinds =
    [
        ("contactCounts(first:100) + customers", 17_001),
        ("customers(first:100){interactions(first:12)}", 19_901),
        ("100 x contactCounts(first:1){totalCount}", 200),
        ("99 x customers(first:100){nodes{totalContacts}}", 19_899),
    ];

    private const string ContactCountsDocument =
        "query Fleet($since: DateTime!) { contactCounts(first: 100, since: $since) { totalCount pageInfo { hasNextPage endCursor } " +
        "nodes { customerId contacts customer { totalContacts interactions(first: 40) { nodes { id channel startedAt } } } } } }";

    private const string CustomersDocument =
        "query Fleet($after: String) { customers(first: 100, after: $after) { totalCount pageInfo { hasNextPage } " +
        "nodes { id totalContacts interactions(first: 12) { totalCount nodes { id channel startedAt endedAt agent status queue " +
        "classification subClassification feedbackScore feedbackComment waitSeconds handleSeconds sourceId } } } } }";

    private static readonly string AliasedCountsDocument =
        "query Fleet($since: DateTime!) { " +
        string.Concat(Enumerable.Range(0, 100).Select(i => $"c{i}: contactCounts(first: 1, since: $since) {{ totalCount }} ")) + "}";

    private static readonly string AliasedCustomersDocument =
        "query Fleet(" + string.Join(", ", Enumerable.Range(0, 99).Select(i => $"$a{i}: String")) + ") { " +
        string.Concat(Enumerable.Range(0, 99).Select(i => $"p{i}: customers(first: 100, after: $a{i}) {{ nodes {{ totalContacts }} }} ")) + "}";

    public static async Task<IsolationResult?> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        if (!await QueryBench.GraphQLAvailableAsync(ctx))
        {
            ctx.Notes.Add("part 6: GraphQL endpoint not available; fleet isolation figures are null");
            return null;
        }
        var random = new Random(o.Seed + 6);
        var since = DateTime.UtcNow.AddDays(-o.FleetDays).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var sortedIds = ctx.Data.Emails.Order(StringComparer.Ordinal).ToArray();

        // The probes' requests, made up front (the generator is not thread-safe): new interactions of random loaded
        // customers, unique by source id or by startedAt; and the per-customer query for random loaded customers.
        var perPhase = (int)Math.Ceiling(o.IsolationSeconds / ProbeInterval.TotalSeconds * 1.5) + 20;
        long sourceNumber = 7_000_000_000;
        var stamp = DateTime.UtcNow.AddMinutes(-30).Ticks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;
        byte[] IngestBody()
        {
            var c = random.Next(ctx.Data.Emails.Length);
            return SyntheticData.CanonicalBody([(ctx.Data.Make(c, stamp += 3 * TimeSpan.TicksPerMillisecond, ref sourceNumber), ctx.Data.Emails[c])]);
        }
        byte[][][] IngestBodies() => [.. Enumerable.Range(0, ProbeClients).Select(_ => Enumerable.Range(0, perPhase).Select(_ => IngestBody()).ToArray())];
        byte[] QueryBody() => QueryBench.Body(QueryBench.CustomerQuery, ctx.Data.Emails[random.Next(ctx.Data.Emails.Length)]);
        byte[][][] QueryBodies() => [.. Enumerable.Range(0, ProbeClients).Select(_ => Enumerable.Range(0, perPhase).Select(_ => QueryBody()).ToArray())];

        byte[] FleetBody(int kind)
        {
            lock (random)
            {
                return kind switch
                {
                    0 => Json(ContactCountsDocument, w => w.WriteString("since", since)),
                    1 => Json(CustomersDocument, w => w.WriteString("after", CustomerCursor(sortedIds[random.Next(sortedIds.Length)]))),
                    2 => Json(AliasedCountsDocument, w => w.WriteString("since", since)),
                    _ => Json(AliasedCustomersDocument, w =>
                    {
                        for (var i = 0; i < 99; i++)
                            w.WriteString($"a{i}", CustomerCursor(sortedIds[random.Next(sortedIds.Length)]));
                    }),
                };
            }
        }

        // Each document once, alone: proves the limits let it through (a refusal other than the gate's fails the run)
        // and warms its path.
        BenchContext.Log("part 6: each fleet document once (the limits must let it through)");
        for (var kind = 0; kind < Kinds.Length; kind++)
        {
            var (outcome, _, text) = await SendFleetAsync(ctx, FleetBody(kind));
            if (outcome is FleetOutcome.Failed)
                throw new InvalidOperationException($"part 6: the fleet document '{Kinds[kind].Kind}' was not answered: {text}");
        }

        BenchContext.Log($"part 6: probes alone ({ProbeClients} ingest + {ProbeClients} query clients, one request per {ProbeInterval.TotalMilliseconds:N0} ms each), {o.IsolationSeconds:N0} s");
        var ingestUnloaded = new Latencies();
        var queryUnloaded = new Latencies();
        var probeErrors = new long[1];
        var (unloadedIngests, unloadedBodies) = (IngestBodies(), QueryBodies());
        var (unloadedCounts, unloadedUsage) = await ctx.MeasureAsync("6 probes, no fleet load",
            () => ProbeAsync(ctx, unloadedIngests, unloadedBodies, o.IsolationSeconds, ingestUnloaded, queryUnloaded, probeErrors));

        BenchContext.Log($"part 6: the same probes while {o.FleetClients} clients send the costliest fleet documents (since {since}), {o.IsolationSeconds:N0} s");
        var ingestLoaded = new Latencies();
        var queryLoaded = new Latencies();
        var stats = Kinds.Select(_ => new KindCounters()).ToArray();
        var (loadedIngests, loadedBodies) = (IngestBodies(), QueryBodies());
        using var stop = new CancellationTokenSource();
        var fleet = Enumerable.Range(0, o.FleetClients).Select(client => Task.Run(async () =>
        {
            for (var n = client; !stop.IsCancellationRequested; n++)
            {
                var kind = n % Kinds.Length;
                var (outcome, ms, text) = await SendFleetAsync(ctx, FleetBody(kind));
                stats[kind].Add(outcome, ms, text);
            }
        })).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(2, o.IsolationSeconds / 4))); // the load is established before the probes start
        var (loadedCounts, loadedUsage) = await ctx.MeasureAsync("6 probes under fleet load",
            () => ProbeAsync(ctx, loadedIngests, loadedBodies, o.IsolationSeconds, ingestLoaded, queryLoaded, probeErrors));
        BenchContext.Log("part 6: waiting for the fleet requests in flight");
        await stop.CancelAsync();
        await Task.WhenAll(fleet);

        if (probeErrors[0] > 0)
            ctx.Notes.Add($"part 6: {probeErrors[0]:N0} probe requests failed or returned errors");
        var kinds = Kinds.Select((k, i) => stats[i].Result(k.Kind, k.Complexity)).ToList();
        foreach (var k in kinds.Where(k => k.Failed > 0))
            ctx.Notes.Add($"part 6: {k.Failed:N0} '{k.Kind}' requests failed otherwise than by the gate; first: {k.FirstFailure}");
        return new IsolationResult(o.FleetClients, o.FleetDays,
            ingestUnloaded.Percentile(50), ingestUnloaded.Percentile(99), ingestLoaded.Percentile(50), ingestLoaded.Percentile(99),
            unloadedCounts.Ingests, loadedCounts.Ingests,
            queryUnloaded.Percentile(50), queryUnloaded.Percentile(99), queryLoaded.Percentile(50), queryLoaded.Percentile(99),
            unloadedCounts.Queries, loadedCounts.Queries, probeErrors[0], kinds, unloadedUsage, loadedUsage);
    }

    /// <summary>The probes: each client sends its next request on its own 20 ms schedule (never in a burst to catch up).</summary>
    private static async Task<(long Ingests, long Queries)> ProbeAsync(BenchContext ctx, byte[][][] ingestBodies, byte[][][] queryBodies,
        double seconds, Latencies ingest, Latencies query, long[] errors)
    {
        var end = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        long ingests = 0, queries = 0;
        async Task PacedAsync(byte[][] bodies, Func<byte[], Task<bool>> send, Latencies latencies, Func<long> count)
        {
            var next = Stopwatch.GetTimestamp();
            var interval = (long)(ProbeInterval.TotalSeconds * Stopwatch.Frequency);
            for (var b = 0; b < bodies.Length && Stopwatch.GetTimestamp() < end; b++)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait);
                var t0 = Stopwatch.GetTimestamp();
                next = Math.Max(next + interval, t0);
                var ok = false;
                try
                {
                    ok = await send(bodies[b]);
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
                {
                }
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                count();
                if (!ok)
                    Interlocked.Increment(ref errors[0]);
            }
        }
        async Task<bool> IngestAsync(byte[] body) => (await ctx.PostInteractionsAsync(body)).Accepted == 1;
        async Task<bool> QueryAsync(byte[] body)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await ctx.Http.PostAsync($"{ctx.Silo.Url}/graphql", content);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            return response.StatusCode == HttpStatusCode.OK && bytes.AsSpan().IndexOf("\"errors\""u8) < 0 && bytes.AsSpan().IndexOf("\"customer\":null"u8) < 0;
        }
        await Task.WhenAll(
            ingestBodies.Select(bodies => Task.Run(() => PacedAsync(bodies, IngestAsync, ingest, () => Interlocked.Increment(ref ingests))))
                .Concat(queryBodies.Select(bodies => Task.Run(() => PacedAsync(bodies, QueryAsync, query, () => Interlocked.Increment(ref queries))))));
        return (ingests, queries);
    }

    private enum FleetOutcome { Completed, Refused, Failed }

    /// <summary>One fleet request: completed (no errors), refused (the gate's SERVICE_UNAVAILABLE on some field), or failed.</summary>
    private static async Task<(FleetOutcome Outcome, double Ms, string Text)> SendFleetAsync(BenchContext ctx, byte[] body)
    {
        var t0 = Stopwatch.GetTimestamp();
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await ctx.Http.PostAsync($"{ctx.Silo.Url}/graphql", content);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            using var json = JsonDocument.Parse(bytes);
            if (!json.RootElement.TryGetProperty("errors", out var errors))
                return (response.StatusCode == HttpStatusCode.OK ? FleetOutcome.Completed : FleetOutcome.Failed, ms, $"HTTP {(int)response.StatusCode}");
            var codes = errors.EnumerateArray()
                .Select(e => e.TryGetProperty("extensions", out var x) && x.TryGetProperty("code", out var c) ? c.GetString() : null).ToList();
            var text = Encoding.UTF8.GetString(bytes);
            var summary = $"{codes.Count(c => c == "SERVICE_UNAVAILABLE")} SERVICE_UNAVAILABLE; HTTP {(int)response.StatusCode}: {text[..Math.Min(400, text.Length)]}";
            return (codes.All(c => c == "SERVICE_UNAVAILABLE") ? FleetOutcome.Refused : FleetOutcome.Failed, ms, summary);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return (FleetOutcome.Failed, Stopwatch.GetElapsedTime(t0).TotalMilliseconds, ex.Message);
        }
    }

    private sealed class KindCounters
    {
        private long _completed, _refused, _refusedFields, _failed;
        private double _ms;
        private string? _firstFailure;

        public void Add(FleetOutcome outcome, double ms, string text)
        {
            lock (this)
            {
                _ms += ms;
                switch (outcome)
                {
                    case FleetOutcome.Completed: _completed++; break;
                    case FleetOutcome.Refused:
                        _refused++;
                        _refusedFields += int.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
                        break;
                    default: _failed++; _firstFailure ??= text; break;
                }
            }
        }

        public FleetKindStats Result(string kind, int complexity)
        {
            lock (this)
            {
                var n = _completed + _refused + _failed;
                return new FleetKindStats(kind, complexity, _completed, _refused, _refusedFields, _failed, n > 0 ? _ms / n : double.NaN, _firstFailure);
            }
        }
    }

    /// <summary>
    /// A customers() cursor for any position: sealed like the API's (api/Schema/Cursors.cs), with the secret the bench's
    /// silos are given (SiloProcess.TestHashKey as Privacy:HashKey).
    /// </summary>
    private static readonly CxActors.Api.Schema.Cursors Sealer = new(Microsoft.Extensions.Options.Options.Create(
        new CxActors.Database.CustomerHashOptions { HashKey = SiloProcess.TestHashKey }));

    private static string CustomerCursor(string customerId) => Sealer.Customer(customerId);

    private static byte[] Json(string query, Action<Utf8JsonWriter> variables)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("query", query);
            json.WritePropertyName("variables");
            json.WriteStartObject();
            variables(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
