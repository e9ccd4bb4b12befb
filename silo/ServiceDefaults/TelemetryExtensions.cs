using CxActors.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CxActors.ServiceDefaults;

/// <summary>
/// OpenTelemetry, wired once for the host: one metrics pipeline (read by GET /metrics in Prometheus' text format and,
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, pushed over OTLP with the traces and logs), traces with parent-based
/// ratio sampling, and log lines that carry the trace id of the request they belong to.
/// </summary>
public static class TelemetryExtensions
{
    public const string ServiceName = "cxactors";
    public const string MetricsPath = "/metrics";

    /// <summary>Meters exported besides ASP.NET Core's and the runtime's (their instrumentations name their own).</summary>
    public static readonly IReadOnlyList<string> Meters = ["Microsoft.Orleans", "MySqlConnector", CxMetrics.MeterName];

    /// <summary>
    /// Activity sources traced besides ASP.NET Core's and HttpClient's: MySqlConnector's commands (their text, never
    /// parameter values) and the service's own spans (grain calls of sampled requests, log flushes).
    /// </summary>
    public static readonly IReadOnlyList<string> Sources = ["MySqlConnector", CxActivities.SourceName];

    /// <summary>Whether <c>Telemetry:Enabled</c> is on: the silo then also traces the grain calls of sampled requests.</summary>
    public static bool IsTelemetryEnabled(this IHostApplicationBuilder builder) =>
        TelemetryOptions.From(builder.Configuration).Enabled;

    public static IHostApplicationBuilder AddCxTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        // Every log line written inside a request carries its trace and span ids, whatever the formatter
        // (Logging:Console:FormatterName=json writes them under "Scopes"), with telemetry on or off.
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);

        var options = TelemetryOptions.From(builder.Configuration);
        if (!options.Enabled)
            return builder;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter([.. Meters])
                // Every scrape collects afresh (a scrape is cheap, and a test reads what it just caused).
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0))
            .WithTracing(tracing => tracing
                .SetSampler(new LinkedOrParentSampler(options.TraceSampleRatio))
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbeOrScrape(http.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource([.. Sources]));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Logging.AddOpenTelemetry(o =>
            {
                o.IncludeScopes = true;
                o.IncludeFormattedMessage = true;
            });
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>
    /// GET /metrics in Prometheus' text format, for the host to protect:
    /// <c>app.MapMetricsEndpoint().RequireAuthorization(Scopes.Metrics)</c>. 404 when telemetry is off.
    /// </summary>
    public static IEndpointConventionBuilder MapMetricsEndpoint(this WebApplication app) =>
        app.Services.GetService<MeterProvider>() is null
            ? app.MapGet(MetricsPath, () => Results.NotFound())
            : app.MapPrometheusScrapingEndpoint(MetricsPath);

    private static bool IsProbeOrScrape(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments(MetricsPath);
}
