using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CxActors.Access;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>
/// One silo with telemetry on (the default) and JSON console logs with the ASP.NET Core request log lines, and keys
/// of the metrics and read scopes only.
/// </summary>
public sealed class TelemetryFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public SiloProcess Silo { get; private set; } = null!;
    public string MetricsKey { get; private set; } = "";
    public string ReadKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        MetricsKey = await SiloProcess.ProvisionKeyAsync(Database.ConnectionString, [Scopes.Metrics], name: "only-metrics");
        ReadKey = await SiloProcess.ProvisionKeyAsync(Database.ConnectionString, [Scopes.Read], name: "only-read");
        Silo = await SiloProcess.StartAsync(Database.ConnectionString, new Dictionary<string, string>
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>GET /metrics (Prometheus text) and trace ids in JSON logs, against a real silo process.</summary>
public sealed partial class TelemetryTests(TelemetryFixture fixture) : IClassFixture<TelemetryFixture>
{
    private static readonly string[] ChannelCodes = ["PHONE", "CHAT", "WHATSAPP", "EMAIL"];

    [Fact]
    public async Task Metrics_need_the_metrics_scope()
    {
        using var anonymous = fixture.Silo.CreateClient(authenticated: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(fixture.ReadKey).GetAsync("/metrics")).StatusCode);
        using var response = await Client(fixture.MetricsKey).GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Ingest_counts_records_by_channel_and_outcome_and_requests_by_status()
    {
        var before = await ScrapeAsync();
        var run = Guid.NewGuid().ToString("N")[..10];
        string Customer(int n) => $"telemetry{n}-{run}@example.com";
        static DateTime At(int hour) => new(2024, 7, 1, hour, 0, 0, DateTimeKind.Utc);

        // First body: every record new, plus four rejections: one on a channel that was read (its phone links to no
        // customer: refused by the pipeline), three whose record was refused by the adapter (no channel is kept).
        var first = new List<JsonObject>
        {
            Record(Customer(1), "EMAIL", At(1)), Record(Customer(1), "EMAIL", At(2)), Record(Customer(1), "EMAIL", At(3)),
            Record(Customer(2), "CHAT", At(1)), Record(Customer(2), "CHAT", At(2)),
            Record(Customer(3), "PHONE", At(1)),
            Record(Customer(4), "WHATSAPP", At(1)), Record(Customer(4), "WHATSAPP", At(2)), Record(Customer(4), "WHATSAPP", At(3)), Record(Customer(4), "WHATSAPP", At(4)),
            Record(Customer(5), "PHONE", At(1)), Record(Customer(5), "CHAT", At(1)),
            new() { ["channel"] = "EMAIL", ["phone"] = "71900000001", ["startedAt"] = "2024-07-01T05:00:00.000Z" }, // EMAIL
            new() { ["channel"] = "EMAIL", ["startedAt"] = "2024-07-01T05:00:00.000Z" },    // no customer at all: "unknown"
            Record(Customer(6), "FAX", At(1)), Record(Customer(6), "FAX", At(2)),           // no channel: "unknown"
        };
        var (status, answer) = await PostAsync(fixture.Silo.Http, first);
        Assert.Equal(200, status);
        Assert.Equal((12, 0, 4), (answer.Accepted, answer.Duplicates, answer.RejectedCount));

        // Second body: a mixed call partly duplicate (customer 1), a one-channel call all duplicate (2), a one-channel
        // call partly duplicate (4) and a mixed call all duplicate (5).
        var second = new List<JsonObject>
        {
            Record(Customer(1), "EMAIL", At(1)), Record(Customer(1), "CHAT", At(9)),
            Record(Customer(2), "CHAT", At(1)), Record(Customer(2), "CHAT", At(2)),
            Record(Customer(4), "WHATSAPP", At(1)), Record(Customer(4), "WHATSAPP", At(5)),
            Record(Customer(5), "PHONE", At(1)), Record(Customer(5), "CHAT", At(1)),
        };
        (status, answer) = await PostAsync(fixture.Silo.Http, second);
        Assert.Equal(200, status);
        Assert.Equal((2, 6, 0), (answer.Accepted, answer.Duplicates, answer.RejectedCount));

        var after = await ScrapeAsync();
        var expected = new Dictionary<(string Channel, string Outcome), double>
        {
            [("EMAIL", "accepted")] = 3, [("CHAT", "accepted")] = 4, [("PHONE", "accepted")] = 2, [("WHATSAPP", "accepted")] = 5,
            [("EMAIL", "duplicate")] = 1, [("CHAT", "duplicate")] = 3, [("PHONE", "duplicate")] = 1, [("WHATSAPP", "duplicate")] = 1,
            [("EMAIL", "rejected")] = 1, [("unknown", "rejected")] = 3,
        };
        foreach (var channel in ChannelCodes.Append("unknown"))
        {
            foreach (var outcome in new[] { "accepted", "duplicate", "rejected" })
            {
                var labels = new Dictionary<string, string> { ["channel"] = channel, ["outcome"] = outcome };
                var increment = after.Sum("cx_ingest_records_total", labels) - before.Sum("cx_ingest_records_total", labels);
                Assert.True(expected.GetValueOrDefault((channel, outcome)) == increment,
                    $"cx_ingest_records_total{{channel=\"{channel}\",outcome=\"{outcome}\"}} grew by {increment}, expected {expected.GetValueOrDefault((channel, outcome))}");
            }
        }
        var ok = new Dictionary<string, string> { ["status"] = "200" };
        Assert.Equal(2, after.Sum("cx_ingest_requests_total", ok) - before.Sum("cx_ingest_requests_total", ok));
        Assert.Equal(2, after.Sum("cx_ingest_requests_total") - before.Sum("cx_ingest_requests_total"));
        Assert.True(after.Sum("cx_log_flush_rows_count") > before.Sum("cx_log_flush_rows_count"), "no log flush was measured");
        Assert.True(after.Sum("cx_log_flush_rows_sum") - before.Sum("cx_log_flush_rows_sum") >= 14, "the flushes measured fewer rows than were accepted");
        Assert.True(after.Sum("cx_log_flush_duration_seconds_count") > before.Sum("cx_log_flush_duration_seconds_count"));
    }

    [Fact]
    public async Task GraphQL_counts_requests_by_operation_and_outcome()
    {
        var before = await ScrapeAsync();
        await GraphQLCalls.QueryAsync(fixture.Silo.Http, "query TelemetryProbe { __typename }");
        await GraphQLCalls.QueryAsync(fixture.Silo.Http, "query TelemetryProbe { __typename }");
        await GraphQLCalls.QueryAsync(fixture.Silo.Http, "{ __typename }");
        using (var invalid = await fixture.Silo.Http.PostAsync("/graphql",
                   new StringContent("""{"query":"query Broken { noSuchField }"}""", System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, invalid.StatusCode); // legacy JSON: errors in the body

        var after = await ScrapeAsync();
        double Grew(string operation, string outcome)
        {
            var labels = new Dictionary<string, string> { ["operation"] = operation, ["outcome"] = outcome };
            return after.Sum("cx_graphql_requests_total", labels) - before.Sum("cx_graphql_requests_total", labels);
        }
        Assert.Equal(2, Grew("TelemetryProbe", "ok"));
        Assert.Equal(1, Grew("anonymous", "ok"));
        Assert.Equal(4, after.Sum("cx_graphql_requests_total") - before.Sum("cx_graphql_requests_total"));
        Assert.Equal(4, after.Sum("cx_graphql_duration_seconds_count") - before.Sum("cx_graphql_duration_seconds_count"));
        Assert.Equal(1, after.Sum("cx_graphql_requests_total", new Dictionary<string, string> { ["outcome"] = "error" })
            - before.Sum("cx_graphql_requests_total", new Dictionary<string, string> { ["outcome"] = "error" }));
    }

    [Fact]
    public async Task Records_of_an_erased_customer_are_counted_rejected_as_the_response_lists_them()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var erased = $"erased-{run}@example.com";
        var other = $"kept-{run}@example.com";
        static DateTime At(int hour) => new(2024, 8, 1, hour, 0, 0, DateTimeKind.Utc);
        var (status, answer) = await PostAsync(fixture.Silo.Http,
            [Record(erased, "EMAIL", At(1)), Record(erased, "CHAT", At(2)), Record(other, "EMAIL", At(1))]);
        Assert.Equal((200, 3), (status, answer.Accepted));
        using var erase = await fixture.Silo.Http.DeleteAsync("/privacy/customers/" + Uri.EscapeDataString(erased));
        Assert.Equal(HttpStatusCode.OK, erase.StatusCode);
        var erasedAt = JsonDocument.Parse(await erase.Content.ReadAsStringAsync()).RootElement.GetProperty("erasedAt").GetDateTime().ToUniversalTime();

        var before = await ScrapeAsync();
        // E-mails only: the erased customer's grain refuses its old records (one call mixing EMAIL, CHAT and a newer
        // WHATSAPP contact, which is accepted); the other customer's call mixes a duplicate EMAIL and a new PHONE.
        (status, answer) = await PostAsync(fixture.Silo.Http,
        [
            Record(erased, "EMAIL", At(1)), Record(erased, "CHAT", At(3)), Record(erased, "WHATSAPP", erasedAt.AddMilliseconds(1)),
            Record(other, "EMAIL", At(1)), Record(other, "PHONE", At(5)),
        ]);
        Assert.Equal((200, 2, 1, 2), (status, answer.Accepted, answer.Duplicates, answer.RejectedCount));
        Assert.Equal([(0, "customer erased"), (1, "customer erased")], answer.Rejected.Select(r => (r.Record, r.Reason)));
        // With a phone in the chunk the tombstone is read before any grain call: refused there.
        var withPhone = Record(erased, "CHAT", At(4));
        withPhone["phone"] = "71" + Random.Shared.NextInt64(100_000_000, 999_999_999);
        var (status2, answer2) = await PostAsync(fixture.Silo.Http, [withPhone, Record(other, "CHAT", At(6))]);
        Assert.Equal((200, 1, 0, 1), (status2, answer2.Accepted, answer2.Duplicates, answer2.RejectedCount));
        var after = await ScrapeAsync();

        var expected = new Dictionary<(string Channel, string Outcome), double>
        {
            [("WHATSAPP", "accepted")] = 1, [("PHONE", "accepted")] = 1, [("CHAT", "accepted")] = 1,
            [("EMAIL", "duplicate")] = 1,
            [("EMAIL", "rejected")] = 1, [("CHAT", "rejected")] = 2,
        };
        foreach (var channel in ChannelCodes.Append("unknown"))
        {
            foreach (var outcome in new[] { "accepted", "duplicate", "rejected" })
            {
                var labels = new Dictionary<string, string> { ["channel"] = channel, ["outcome"] = outcome };
                var increment = after.Sum("cx_ingest_records_total", labels) - before.Sum("cx_ingest_records_total", labels);
                Assert.True(expected.GetValueOrDefault((channel, outcome)) == increment,
                    $"cx_ingest_records_total{{channel=\"{channel}\",outcome=\"{outcome}\"}} grew by {increment}, expected {expected.GetValueOrDefault((channel, outcome))}");
            }
        }
        // The metric's totals are the responses' totals.
        double Grew(string outcome) => after.Sum("cx_ingest_records_total", new Dictionary<string, string> { ["outcome"] = outcome })
            - before.Sum("cx_ingest_records_total", new Dictionary<string, string> { ["outcome"] = outcome });
        Assert.Equal((answer.Accepted + answer2.Accepted, answer.Duplicates + answer2.Duplicates, answer.RejectedCount + answer2.RejectedCount),
            ((int)Grew("accepted"), (int)Grew("duplicate"), (int)Grew("rejected")));
    }

    [Fact]
    public async Task Json_log_lines_of_a_request_carry_its_trace_id()
    {
        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var path = "/telemetry-probe-" + Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(BitConverter.GetBytes(42L))}-01");
        using (var response = await fixture.Silo.Http.SendAsync(request))
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        List<JsonElement> lines = [];
        for (var attempt = 0; attempt < 40 && lines.Count < 2; attempt++)
        {
            await Task.Delay(100);
            lines = [.. fixture.Silo.Output.Split('\n')
                .Where(line => line.Contains(path, StringComparison.Ordinal))
                .Select(line => JsonDocument.Parse(line).RootElement)];
        }
        Assert.True(lines.Count >= 2, $"expected the request's start and end lines:\n{fixture.Silo.Output}");
        foreach (var line in lines)
        {
            var traceIds = line.GetProperty("Scopes").EnumerateArray()
                .Where(scope => scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("TraceId", out _))
                .Select(scope => scope.GetProperty("TraceId").GetString())
                .ToList();
            Assert.Contains(traceId, traceIds);
        }
    }

    private HttpClient Client(string key)
    {
        var http = fixture.Silo.CreateClient(authenticated: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private async Task<MetricsScrape> ScrapeAsync()
    {
        using var http = Client(fixture.MetricsKey);
        return await MetricsScrape.ReadAsync(http);
    }
}
