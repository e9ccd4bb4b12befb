using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Orleans.Hosting;

namespace CxActors.Dashboard;

/// <summary>
/// The Orleans dashboard (Microsoft.Orleans.Dashboard) co-hosted by the silo at <c>/orleans</c>: grain activations,
/// silos, call rates. The host attaches the admin policy: <c>app.MapCxOrleansDashboard()?.RequireAuthorization(Scopes.Admin)</c>.
/// </summary>
public static class OrleansDashboardSetup
{
    public const string Path = "/orleans";

    // The package's incoming grain call filter that times every call for the per-method view (internal to the package,
    // so it is found by name).
    private const string ProfilerFilterType = "Orleans.Dashboard.Implementation.GrainProfilerFilter";

    public static ISiloBuilder AddCxOrleansDashboard(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<OrleansDashboardOptions>()
            .Bind(configuration.GetSection(OrleansDashboardOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var options = OrleansDashboardOptions.From(configuration);
        if (!options.Enabled)
            return silo;
        silo.AddDashboard(o => o.CounterUpdateIntervalMs = options.CounterUpdateIntervalMs);
        if (!options.GrainProfiling)
        {
            var filters = silo.Services.Where(d => d.ImplementationType?.FullName == ProfilerFilterType).ToList();
            if (filters.Count == 0)
                throw new InvalidOperationException($"{ProfilerFilterType} is not registered: the Orleans dashboard package changed; check OrleansDashboard:GrainProfiling.");
            foreach (var filter in filters)
                silo.Services.Remove(filter);
        }
        return silo;
    }

    /// <summary>The dashboard's routes under <see cref="Path"/>, or null when it is off (then <c>/orleans</c> is a 404).</summary>
    public static IEndpointConventionBuilder? MapCxOrleansDashboard(this WebApplication app) =>
        app.Services.GetRequiredService<IOptions<OrleansDashboardOptions>>().Value.Enabled
            ? app.MapOrleansDashboard(routePrefix: Path)
            : null;
}
