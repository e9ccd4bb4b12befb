using System.Diagnostics;
using System.Net;
using CxActors.Api.Data;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Tests;

/// <summary>Over HTTP in-process: the fleet gate, masked errors with their request id, options checked on start, the route group.</summary>
public sealed class InProcessHttpTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static FakeGrains Grains() => new(id => Task.FromResult<CustomerProfile?>(FakeGrains.ProfileOf(id)));

    [Fact]
    public async Task With_the_fleet_gate_held_fleet_queries_fail_after_the_wait_while_customer_reads_answer()
    {
        await using var host = await InProcessHost.StartAsync(Grains(), _database.ConnectionString, new()
        {
            ["GraphQL:FleetQueryConcurrency"] = "1",
            ["GraphQL:FleetQueryWait"] = "00:00:02",
        });
        var gate = host.Services.GetRequiredService<FleetQueryGate>();
        // Warm up (schema initialisation, first connections), so that the timings below are the gate's.
        Assert.Equal("""{"customer":{"id":"warm@example.com","totalContacts":1}}""",
            (await host.Http.QueryAsync("""{ customer(id: "warm@example.com") { id totalContacts } }""")).Data);
        Assert.Equal("""{"customers":{"totalCount":0}}""", (await host.Http.QueryAsync("{ customers { totalCount } }")).Data);

        await host.Http.QueryAsync("""{ customer(id: "warm2@example.com") { id totalContacts } }""");

        using (await gate.EnterAsync(CancellationToken.None))
        {
            var fleet = host.Http.QueryAsync("{ contactCounts { totalCount } }");
            var list = host.Http.QueryAsync("{ customers(first: 1) { nodes { id } } }");
            var started = Stopwatch.StartNew();
            await Task.Delay(100);
            var customer = await host.Http.QueryAsync("""{ customer(id: "someone@example.com") { id totalContacts } }""");
            var customerTook = started.Elapsed;

            Assert.Equal("""{"customer":{"id":"someone@example.com","totalContacts":1}}""", customer.Data);
            Assert.True(customerTook < TimeSpan.FromSeconds(1), $"the customer read took {customerTook}");
            foreach (var (response, field) in new[] { (await fleet, "contactCounts"), (await list, "customers") })
            {
                Assert.Equal(HttpStatusCode.OK, response.Status);
                Assert.Equal(("Too many fleet-wide queries are running; retry shortly.", $"[\"{field}\"]", "SERVICE_UNAVAILABLE"), response.Error);
                // The field is non-null, so its error nulls the whole data (which is present: the document executed).
                Assert.True(response.Json.AsObject().TryGetPropertyValue("data", out var data) && data is null, response.Body);
            }
            Assert.True(started.Elapsed >= TimeSpan.FromSeconds(1.9), $"fleet queries failed after {started.Elapsed}");
        }

        var after = await host.Http.QueryAsync("""{ contactCounts(since: "2001-01-01T00:00:00Z", until: "2001-01-02T00:00:00Z") { totalCount } }""");
        Assert.Equal("""{"contactCounts":{"totalCount":0}}""", after.Data);
    }

    [Fact]
    public async Task A_failing_resolver_is_masked_with_the_request_id_it_was_logged_under()
    {
        var grains = new FakeGrains(id => id.StartsWith("boom", StringComparison.Ordinal)
            ? Task.FromException<CustomerProfile?>(new InvalidOperationException("secret detail 42"))
            : Task.FromResult<CustomerProfile?>(FakeGrains.ProfileOf(id)));
        await using var host = await InProcessHost.StartAsync(grains, _database.ConnectionString);
        const string query = """{ ok: customer(id: "fine@example.com") { id } boom: customer(id: "boom@example.com") { id } }""";

        foreach (var requestId in new[] { "support-1234", null })
        {
            var response = await host.Http.PostGraphQLAsync(System.Text.Json.JsonSerializer.Serialize(new { query }), requestId: requestId);

            Assert.NotNull(response.RequestId);
            if (requestId is not null)
                Assert.Equal(requestId, response.RequestId);
            Assert.Equal(HttpStatusCode.OK, response.Status);
            Assert.Equal(
                $$$"""{"errors":[{"message":"Internal server error; it has been logged.","locations":[{"line":1,"column":47}],"path":["boom"],"extensions":{"code":"INTERNAL_SERVER_ERROR","codes":["INTERNAL_SERVER_ERROR"],"requestId":"{{{response.RequestId}}}"}}],"data":{"ok":{"id":"fine@example.com"},"boom":null}}""",
                response.Body);
            var logged = Assert.Single(host.Logs, l => l.Message.Contains(response.RequestId!, StringComparison.Ordinal));
            Assert.Equal(LogLevel.Error, logged.Level);
            // Logged by type and stack trace; the message stays out (LGPD: a message can quote customer data).
            Assert.Equal("System.InvalidOperationException", logged.Exception?.Message);
        }
    }

    [Fact]
    public async Task MySQL_being_unreachable_is_SERVICE_UNAVAILABLE_without_its_text()
    {
        await using var host = await InProcessHost.StartAsync(Grains(), "Server=127.0.0.1;Port=1;User ID=nobody;Password=x;Database=none;Connection Timeout=2");

        var response = await host.Http.QueryAsync("{ contactCounts { totalCount } }");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(("The customer's data is unavailable right now; retry shortly.", "[\"contactCounts\"]", "SERVICE_UNAVAILABLE"), response.Error);
        Assert.Equal(response.RequestId, response.Json["errors"]![0]!["extensions"]!["requestId"]!.GetValue<string>());
        Assert.DoesNotContain("MySQL", response.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("connect", response.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(host.Logs, l => l.Level == LogLevel.Error && l.Exception?.Message == "MySqlException 1042 (-, UnableToConnectToHost)"
            && l.Message.Contains(response.RequestId!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_document_nested_past_the_parsers_limit_is_the_clients_error_not_ours()
    {
        await using var host = await InProcessHost.StartAsync(Grains(), _database.ConnectionString);
        var deep = string.Concat(Enumerable.Repeat("{ a ", 200)) + new string('}', 200);

        var response = await host.Http.QueryAsync(deep, accept: GraphQLHttp.GraphQLResponseJson);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(("The document is nested too deeply to be parsed.", null, "DOCUMENT_TOO_DEEP"), response.Error);
        Assert.DoesNotContain(host.Logs, l => l.Level >= LogLevel.Error);
    }

    [Theory]
    [InlineData("MaxRootFields", "0")]
    [InlineData("MaxComplexity", "0")]
    [InlineData("FleetQueryConcurrency", "0")]
    [InlineData("RequestTimeout", "00:00:00")]
    [InlineData("MaxRequestBytes", "0")]
    public async Task Options_out_of_range_stop_the_start(string option, string value)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            InProcessHost.StartAsync(Grains(), _database.ConnectionString, new() { [$"GraphQL:{option}"] = value }));

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_routes_form_one_group_that_takes_the_hosts_conventions()
    {
        var marker = new object();
        await using var host = await InProcessHost.StartAsync(Grains(), _database.ConnectionString, conventions: group => group.WithMetadata(marker));

        var routes = host.Endpoints
            .Where(e => e.Metadata.Contains(marker))
            // The group's "" routes print as "/graphql/"; routing matches them with or without the slash.
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText!.TrimEnd('/')}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(["GET /graphql", "GET /graphql/assets/{file}", "GET /graphql/schema.graphql", "POST /graphql"], routes);
    }
}
