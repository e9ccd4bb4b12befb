using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CxActors.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>Health checks tagged with this are part of readiness; liveness runs none.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Problem details carrying the request id, health checks, telemetry (<see cref="TelemetryExtensions.AddCxTelemetry"/>),
    /// and the host's deadlines: hosted services start side by
    /// side (the HTTP side listens, and answers live, while the silo waits for MySQL), and a stop never takes longer than
    /// <paramref name="shutdownTimeout"/> whatever MySQL does (the log is the commit point: nothing acknowledged is lost).
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder, TimeSpan? shutdownTimeout = null)
    {
        builder.Services.Configure<HostOptions>(o =>
        {
            o.ServicesStartConcurrently = true;
            o.ServicesStopConcurrently = true;
            o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(25);
        });
        builder.Services.AddHostedService<ShutdownWatchdog>();
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("requestId", context.HttpContext.TraceIdentifier));
        builder.Services.AddHealthChecks();
        builder.AddCxTelemetry();
        builder.Services.RedactPersonalDataInLogs();
        return builder;
    }

    /// <summary>
    /// Decorates the registered <see cref="ILoggerFactory"/> with <see cref="RedactingLoggerFactory"/>: no e-mail or
    /// phone reaches any provider from any category, Orleans' own lines (grain ids are e-mails) included.
    /// </summary>
    public static IServiceCollection RedactPersonalDataInLogs(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(RedactingLoggerFactory)))
            return services;
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(ILoggerFactory));
        var innerType = registered?.ImplementationType
            ?? throw new InvalidOperationException("Register logging (a LoggerFactory type) before redacting it.");
        services.Remove(registered);
        services.AddSingleton(innerType, innerType);
        services.AddSingleton(sp => new RedactingLoggerFactory((ILoggerFactory)sp.GetRequiredService(innerType)));
        services.AddSingleton<ILoggerFactory>(sp => sp.GetRequiredService<RedactingLoggerFactory>());
        return services;
    }

    /// <summary>Request ids on every answer; /health/live, /health/ready and /health (ready's alias), public and without details.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseStatusCodePages();
        var live = new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteStatusAsync };
        var ready = new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteStatusAsync };
        // Anonymous whatever the host's fallback authorization policy: probes carry no credentials.
        app.MapHealthChecks("/health/live", live).AllowAnonymous();
        app.MapHealthChecks("/health/ready", ready).AllowAnonymous();
        app.MapHealthChecks("/health", ready).AllowAnonymous();
        return app;
    }

    /// <summary>{"status":"Healthy"} and nothing else: the probes are public, so no check says why.</summary>
    private static Task WriteStatusAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync($$"""{"status":"{{report.Status}}"}""");
    }
}
