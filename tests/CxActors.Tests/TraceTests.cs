using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>
/// Issue 11's traces, end to end: a real silo exporting over OTLP/HTTP (every trace sampled) to a collector in the
/// test, and the exact shape of the spans it receives.
/// </summary>
public sealed class TraceTests : IAsyncLifetime
{
    private readonly OtlpTraceCollector _collector = new();
    private TestDatabase _database = null!;
    private SiloProcess _silo = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _silo = await SiloProcess.StartAsync(_database.ConnectionString, new Dictionary<string, string>
        {
            ["Telemetry:Enabled"] = "true",
            ["Telemetry:TraceSampleRatio"] = "1.0",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
        });
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        await _database.DisposeAsync();
        _collector.Dispose();
    }

    [Fact]
    public async Task An_ingest_request_traces_to_its_grain_calls_and_the_log_flushes_that_made_them_durable()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (status, answer) = await PostAsync(_silo.Http,
        [
            Record($"trace-a-{run}@example.com", "EMAIL", new DateTime(2024, 7, 1, 1, 0, 0, DateTimeKind.Utc)),
            Record($"trace-b-{run}@example.com", "CHAT", new DateTime(2024, 7, 1, 2, 0, 0, DateTimeKind.Utc)),
        ]);
        Assert.Equal(200, status);
        Assert.Equal(2, answer.Accepted);

        OtlpSpan? Request(IReadOnlyList<OtlpSpan> spans) =>
            spans.SingleOrDefault(s => s.Scope == "Microsoft.AspNetCore" && s.Name == "POST /ingest/interactions");
        // Done when the request's two grain calls have arrived with the flushes linking to them.
        var spans = await _collector.WaitForAsync(spans => Request(spans) is { } r
            && GrainCalls(spans, r, "ICustomerGrain/RecordAsync").Servers.Count == 2
            && GrainCalls(spans, r, "ICustomerGrain/RecordAsync").Servers.All(g => FlushesOf(spans, g).Any(f => CommitOf(spans, f) is not null)),
            TimeSpan.FromSeconds(60));

        var request = Request(spans)!;
        Assert.Equal("", request.ParentSpanId); // the client sent no traceparent: the request is the root
        var (clients, servers) = GrainCalls(spans, request, "ICustomerGrain/RecordAsync");
        // One grain call per customer: the client side a child of the request, the grain's side a child of that call.
        Assert.Equal(2, clients.Count);
        Assert.All(clients, c => Assert.Equal(request.SpanId, c.ParentSpanId));
        Assert.Equal(clients.Select(c => c.SpanId).Order(), servers.Select(s => s.ParentSpanId).Order());
        Assert.All(spans.Where(s => s.TraceId == request.TraceId), s => AssertDescends(spans, s, request));

        foreach (var grain in servers)
        {
            // Exactly one flush made this call's rows durable: a root of its own trace, linked to the grain's span,
            // whose SQL (ending in the commit) are its children.
            var flush = Assert.Single(FlushesOf(spans, grain));
            Assert.Equal("", flush.ParentSpanId);
            Assert.NotEqual(request.TraceId, flush.TraceId);
            var sql = spans.Where(s => s.TraceId == flush.TraceId && s.SpanId != flush.SpanId).ToList();
            Assert.NotEmpty(sql);
            Assert.All(sql, s =>
            {
                Assert.Equal("MySqlConnector", s.Scope);
                Assert.Equal(flush.SpanId, s.ParentSpanId);
            });
            Assert.NotNull(CommitOf(spans, flush));
        }
    }

    [Fact]
    public async Task A_GraphQL_request_traces_to_its_grain_calls_and_its_SQL()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var customer = $"trace-q-{run}@example.com";
        var (status, _) = await PostAsync(_silo.Http, [Record(customer, "PHONE", new DateTime(2024, 7, 2, 1, 0, 0, DateTimeKind.Utc))]);
        Assert.Equal(200, status);
        var operation = $"TraceProbe{run}";
        // A grain call (customer) and SQL of the API itself (the fleet field reads the reporting tables).
        var data = await GraphQLCalls.QueryAsync(_silo.Http, $$"""query {{operation}} { customer(id: "{{customer}}") { totalContacts } contactCounts { totalCount } }""");
        Assert.Equal(1, data.GetProperty("customer").GetProperty("totalContacts").GetInt32());

        OtlpSpan? Request(IReadOnlyList<OtlpSpan> spans) => spans
            .Where(s => s.Scope == "Microsoft.AspNetCore" && s.Name == "POST /graphql/")
            .SingleOrDefault(r => GrainCalls(spans, r, "ICustomerGrain/GetProfileAsync").Servers.Count == 1
                                  && spans.Any(s => s.TraceId == r.TraceId && s.Scope == "MySqlConnector" && s.Name == "Execute"));
        var spans = await _collector.WaitForAsync(spans => Request(spans) is not null, TimeSpan.FromSeconds(60));

        var request = Request(spans)!;
        Assert.Equal("", request.ParentSpanId);
        var (clients, servers) = GrainCalls(spans, request, "ICustomerGrain/GetProfileAsync");
        var client = Assert.Single(clients);
        Assert.Equal(request.SpanId, client.ParentSpanId);
        Assert.Equal(client.SpanId, Assert.Single(servers).ParentSpanId);
        // The fleet field's SQL runs in the request, outside any grain: its spans are the request's own children.
        var sql = spans.Where(s => s.TraceId == request.TraceId && s.Scope == "MySqlConnector" && s.Name == "Execute").ToList();
        Assert.NotEmpty(sql);
        Assert.Contains(sql, s => s.ParentSpanId == request.SpanId);
        // Any other SQL of the request is the grain's own (reading its log on activation): a child of its call.
        Assert.All(spans.Where(s => s.TraceId == request.TraceId && s.Scope == "MySqlConnector"),
            s => Assert.Contains(s.ParentSpanId, new[] { request.SpanId, servers[0].SpanId }));
        Assert.All(spans.Where(s => s.TraceId == request.TraceId), s => AssertDescends(spans, s, request));
    }

    /// <summary>The request's grain calls of <paramref name="method"/>: client spans in its trace, and the grain-side spans of those.</summary>
    private static (List<OtlpSpan> Clients, List<OtlpSpan> Servers) GrainCalls(IReadOnlyList<OtlpSpan> spans, OtlpSpan request, string method)
    {
        const int Server = 2, Client = 3;
        var calls = spans.Where(s => s.TraceId == request.TraceId && s.Scope == "CxActors" && s.Name == method).ToList();
        var clients = calls.Where(s => s.Kind == Client).ToList();
        var servers = calls.Where(s => s.Kind == Server && clients.Any(c => c.SpanId == s.ParentSpanId)).ToList();
        return (clients, servers);
    }

    private static List<OtlpSpan> FlushesOf(IReadOnlyList<OtlpSpan> spans, OtlpSpan grain) =>
        [.. spans.Where(s => s.Scope == "CxActors" && s.Name == "cx.log.flush" && s.Links.Contains((grain.TraceId, grain.SpanId)))];

    private static OtlpSpan? CommitOf(IReadOnlyList<OtlpSpan> spans, OtlpSpan flush) =>
        spans.SingleOrDefault(s => s.TraceId == flush.TraceId && s.ParentSpanId == flush.SpanId && s.Scope == "MySqlConnector" && s.Name == "Commit");

    /// <summary>Every span of the request's trace hangs under the request (no stray root, no broken parent chain).</summary>
    private static void AssertDescends(IReadOnlyList<OtlpSpan> spans, OtlpSpan span, OtlpSpan root)
    {
        var byId = spans.Where(s => s.TraceId == root.TraceId).ToDictionary(s => s.SpanId);
        var current = span;
        for (var depth = 0; current.SpanId != root.SpanId; depth++)
        {
            var found = byId.TryGetValue(current.ParentSpanId, out var parent);
            Assert.True(depth < 20 && found, $"{span.Scope} {span.Name} does not hang under {root.Name}");
            current = parent!;
        }
    }
}
