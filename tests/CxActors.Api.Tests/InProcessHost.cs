using System.Collections.Concurrent;
using CxActors.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CxActors.Api.Tests;

/// <summary>
/// The GraphQL routes on Kestrel inside the test process, over fake grains and a real (or deliberately unreachable)
/// MySQL: HTTP behaviour that needs a held gate slot, a failing grain or a captured log, which a silo process hides.
/// </summary>
public sealed class InProcessHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessHost(WebApplication app, HttpClient http, ConcurrentQueue<LogLine> logs)
    {
        _app = app;
        Http = http;
        Logs = logs;
    }

    public HttpClient Http { get; }
    public IServiceProvider Services => _app.Services;
    public IReadOnlyCollection<LogLine> Logs { get; }

    /// <summary>All endpoints the routes mapped, with their metadata.</summary>
    public IEnumerable<RouteEndpoint> Endpoints =>
        _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    public static async Task<InProcessHost> StartAsync(FakeGrains grains, string connectionString, Dictionary<string, string?>? settings = null,
        Action<RouteGroupBuilder>? conventions = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Cx"] = connectionString,
            ["Privacy:HashKey"] = SiloProcess.TestHashKey, // cursors are sealed with a key derived from it
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        var logs = new ConcurrentQueue<LogLine>();
        builder.Logging.ClearProviders().AddProvider(new CapturingLoggerProvider(logs));
        builder.Services.AddSingleton(grains.Factory);
        builder.Services.AddCxGraphQL(builder.Configuration);
        var app = builder.Build();
        // As the silo composes it: request ids come from the host's middleware.
        app.UseMiddleware<CxActors.ServiceDefaults.RequestIdMiddleware>();
        // Mapped without authorization policies on purpose (no authentication services here): these tests are about the
        // GraphQL routes themselves; access control is tested against silo processes (CxActors.Tests/AccessTests).
        var group = app.MapGraphQLApi();
        conventions?.Invoke(group);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new InProcessHost(app, new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) }, logs);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record LogLine(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturingLoggerProvider(ConcurrentQueue<LogLine> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => category.StartsWith("CxActors", StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception), exception));
            }
        }
    }
}
