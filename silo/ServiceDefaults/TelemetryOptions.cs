using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace CxActors.ServiceDefaults;

/// <summary>
/// <c>Telemetry:*</c>: OpenTelemetry metrics (GET /metrics), traces and OTLP export. The OTLP endpoint itself is the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (with the other <c>OTEL_*</c> variables): export is on only when it is set.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>Off: no OpenTelemetry pipeline, no trace context in grain calls, /metrics answers 404 (to measure the cost).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Share of new traces recorded (parent-based: a caller's decision is kept, and a flush follows its callers).</summary>
    [Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 0.1;

    /// <summary>The options as configured, checked: telemetry is wired while the host is built, before options resolve.</summary>
    public static TelemetryOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        return options;
    }
}
