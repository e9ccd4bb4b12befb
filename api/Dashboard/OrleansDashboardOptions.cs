using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace CxActors.Dashboard;

/// <summary><c>OrleansDashboard:*</c>: the Orleans dashboard at <c>/orleans</c> (admin scope).</summary>
public sealed class OrleansDashboardOptions
{
    public const string Section = "OrleansDashboard";

    /// <summary>Off: the silo collects no dashboard statistics and <c>/orleans</c> answers 404.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The dashboard's per-method grain profiling (an incoming call filter timing every grain call while the dashboard is
    /// open). Off by default: see README "Pages" for its measured cost on ingest.
    /// </summary>
    public bool GrainProfiling { get; set; }

    /// <summary>Milliseconds between the dashboard's counter samples (at least 1000, the package's own minimum).</summary>
    [Range(1000, 600_000)]
    public int CounterUpdateIntervalMs { get; set; } = 1000;

    /// <summary>The options as configured, checked: the dashboard is wired while the silo is built, before options resolve.</summary>
    public static OrleansDashboardOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<OrleansDashboardOptions>() ?? new OrleansDashboardOptions();
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        return options;
    }
}
