using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CxActors.Api.Schema;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CxActors.Api.Tests;

/// <summary>
/// The executer in-process, with fake grains and the real MySQL: what a silo process would hide (how many MySQL
/// round trips a document costs, whether grain calls overlap, what gets logged when a resolver fails).
/// </summary>
public sealed class InProcessTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Many_aliases_cost_one_phone_query_and_concurrent_grain_calls()
    {
        var linked = Enumerable.Range(0, 30).Select(i => ($"5571900{i:D6}", $"p{i}-{Guid.NewGuid():N}@example.com")).ToList();
        await _database.ExecuteAsync("INSERT INTO customer_phones (phone, customer_id, linked_at) VALUES " +
            string.Join(',', linked.Select(l => $"('+{l.Item1}', '{l.Item2}', UTC_TIMESTAMP(3))")));
        var grains = new FakeGrains(async id =>
        {
            await Task.Delay(300);
            return id.StartsWith("unknown", StringComparison.Ordinal) ? null : FakeGrains.ProfileOf(id);
        });
        await using var api = Build(grains);
        var document = "{\n" +
            string.Concat(linked.Select((l, i) => $$"""p{{i}}: customer(id: "+{{l.Item1[..2]}} {{l.Item1[2..]}}") { id }""" + "\n")) +
            string.Concat(Enumerable.Range(0, 5).Select(i => $$"""u{{i}}: customer(id: "{{i}}999000111") { id }""" + "\n")) +
            string.Concat(Enumerable.Range(0, 5).Select(i => $$"""e{{i}}: customer(id: "unknown{{i}}@example.com") { id }""" + "\n")) +
            $$"""again: customer(id: " {{linked[0].Item2.ToUpperInvariant()}} ") { id }""" + "\n}";

        var phoneQueries = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MySqlConnector",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var tags = activity.TagObjects.Select(t => Convert.ToString(t.Value) ?? "").ToList();
                if (tags.Contains(_database.Name) && tags.Any(t => t.Contains("customer_phones", StringComparison.Ordinal)))
                    Interlocked.Increment(ref phoneQueries);
            },
        };
        ActivitySource.AddActivityListener(listener);

        var started = Stopwatch.StartNew();
        var data = (await api.ExecuteAsync(document))["data"]!.AsObject();
        started.Stop();

        Assert.Equal(1, phoneQueries);
        for (var i = 0; i < linked.Count; i++)
            Assert.Equal(linked[i].Item2, data[$"p{i}"]!["id"]!.GetValue<string>());
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(data[$"u{i}"]);
            Assert.Null(data[$"e{i}"]);
        }
        Assert.Equal(linked[0].Item2, data["again"]!["id"]!.GetValue<string>());
        // 35 distinct customers asked once each, all at once: about one grain latency, not 35 in a row.
        Assert.Equal(35, grains.ProfileCalls.Count);
        Assert.Equal(35, grains.ProfileCalls.Distinct().Count());
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task A_failing_resolver_is_masked_for_the_client_and_logged_without_its_message()
    {
        var grains = new FakeGrains(id => id.StartsWith("boom", StringComparison.Ordinal)
            ? Task.FromException<CustomerProfile?>(new InvalidOperationException("secret detail 42"))
            : Task.FromResult<CustomerProfile?>(FakeGrains.ProfileOf(id)));
        await using var api = Build(grains);

        var result = await api.ExecuteAsync("""{ ok: customer(id: "fine@example.com") { id } boom: customer(id: "boom@example.com") { id } }""");

        Assert.Equal(
            """{"errors":[{"message":"Internal server error; it has been logged.","locations":[{"line":1,"column":47}],"path":["boom"],"extensions":{"code":"INTERNAL_SERVER_ERROR","codes":["INTERNAL_SERVER_ERROR"]}}],"data":{"ok":{"id":"fine@example.com"},"boom":null}}""",
            result.ToJsonString());
        var logged = Assert.Single(api.Logs);
        Assert.Equal(LogLevel.Error, logged.Level);
        // Logged by type and stack trace; the message stays out (LGPD: a message can quote customer data).
        Assert.Equal("System.InvalidOperationException", logged.Exception?.Message);
        Assert.DoesNotContain("secret detail 42", logged.Exception!.ToString());
    }

    [Fact]
    public async Task A_request_over_its_time_budget_gets_a_timeout_error()
    {
        var grains = new FakeGrains(async id =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return FakeGrains.ProfileOf(id);
        });
        await using var api = Build(grains, new() { ["GraphQL:RequestTimeout"] = "00:00:00.300" });

        var started = Stopwatch.StartNew();
        var result = await api.ExecuteAsync("""{ slow: customer(id: "slow@example.com") { id } }""");

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"took {started.Elapsed}");
        Assert.Equal("TIMEOUT", result["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Limits_come_from_configuration()
    {
        var grains = new FakeGrains(id => Task.FromResult<CustomerProfile?>(FakeGrains.ProfileOf(id)));
        await using var api = Build(grains, new() { ["GraphQL:MaxDepth"] = "2", ["GraphQL:MaxComplexity"] = "1000" });

        var shallow = await api.ExecuteAsync("""{ customer(id: "a@b.c") { id } }""");
        var deep = await api.ExecuteAsync("""{ customer(id: "a@b.c") { lastInteraction { id } } }""");

        Assert.Equal("""{"data":{"customer":{"id":"a@b.c"}}}""", shallow.ToJsonString());
        Assert.Null(deep["data"]);
        Assert.Contains("depth", deep["errors"]![0]!["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Repeated_documents_are_parsed_once_and_still_check_their_variables()
    {
        var grains = new FakeGrains(id => Task.FromResult<CustomerProfile?>(FakeGrains.ProfileOf(id)));
        var parser = new CountingDocumentBuilder();
        await using var api = Build(grains, configure: services => services.AddSingleton<GraphQL.Execution.IDocumentBuilder>(parser));
        const string query = "query($id: String!, $t: DateTime) { customer(id: $id) { id } contactCounts(until: $t) { totalCount } }";

        var first = await api.ExecuteAsync(query, new Dictionary<string, object?> { ["id"] = "a@b.c", ["t"] = "2024-01-01T00:00:00Z" });
        // The document was parsed once (the cache holds it)...
        Assert.Equal(1, parser.Parses);
        var second = await api.ExecuteAsync(query, new Dictionary<string, object?> { ["id"] = "d@e.f", ["t"] = "2024-01-01T00:00:00" });

        Assert.Equal("a@b.c", first["data"]!["customer"]!["id"]!.GetValue<string>());
        Assert.Equal("INVALID_VALUE", second["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        // ... and not again for the second request.
        Assert.Equal(1, parser.Parses);
    }

    private InProcessApi Build(FakeGrains grains, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Cx"] = _database.ConnectionString,
                ["Privacy:HashKey"] = SiloProcess.TestHashKey, // cursors are sealed with a key derived from it
            })
            .AddInMemoryCollection(settings ?? [])
            .Build();
        var logs = new ConcurrentQueue<LogEntry>();
        var collection = new ServiceCollection()
            .AddLogging(b => b.AddProvider(new CapturingLoggerProvider(logs)))
            .AddSingleton(grains.Factory)
            .AddCxGraphQL(configuration);
        configure?.Invoke(collection);
        var services = collection.BuildServiceProvider();
        return new InProcessApi(services, logs);
    }

    private sealed class InProcessApi(ServiceProvider services, ConcurrentQueue<LogEntry> logs) : IAsyncDisposable
    {
        public ServiceProvider Services { get; } = services;
        public IReadOnlyCollection<LogEntry> Logs => logs;

        public async Task<JsonNode> ExecuteAsync(string query, Dictionary<string, object?>? variables = null)
        {
            await using var scope = Services.CreateAsyncScope();
            var options = Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GraphQLApiOptions>>().Value;
            var result = await scope.ServiceProvider.GetRequiredService<IDocumentExecuter<CxSchema>>().ExecuteAsync(new ExecutionOptions
            {
                Query = query,
                Variables = variables is null ? null : new Inputs(variables),
                RequestServices = scope.ServiceProvider,
                Timeout = options.RequestTimeout,
                TimeoutAction = GraphQL.Execution.TimeoutAction.ReturnTimeoutError,
            });
            return JsonNode.Parse(Services.GetRequiredService<IGraphQLTextSerializer>().Serialize(result))!;
        }

        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }

    /// <summary>GraphQL.NET's parser, counting how often it is asked to parse.</summary>
    private sealed class CountingDocumentBuilder : GraphQL.Execution.IDocumentBuilder
    {
        private readonly GraphQL.Execution.GraphQLDocumentBuilder _inner = new();
        private int _parses;

        public int Parses => Volatile.Read(ref _parses);

        public GraphQLParser.AST.GraphQLDocument Build(string body)
        {
            Interlocked.Increment(ref _parses);
            return _inner.Build(body);
        }
    }

    private sealed record LogEntry(LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturingLoggerProvider(ConcurrentQueue<LogEntry> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => category.StartsWith("CxActors", StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    entries.Enqueue(new LogEntry(logLevel, formatter(state, exception), exception));
            }
        }
    }
}
