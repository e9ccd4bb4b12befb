using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CxActors.Database;

public static class DatabaseServiceExtensions
{
    /// <summary>
    /// <see cref="DatabaseOptions"/> (validated at start), the pools in <see cref="CxDataSources"/>, and the schema status
    /// that readiness reads, and the service's meter (<see cref="CxMetrics"/>). Safe to call more than once (the ingest pipeline, the API and the grains each ask for it).
    /// </summary>
    public static IServiceCollection AddCxDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(CxDataSources)))
            return services;
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString("Cx") ?? "")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<CxDataSources>();
        services.TryAddSingleton<SchemaStatus>();
        services.AddMetrics();
        services.TryAddSingleton<CxMetrics>();
        return services;
    }
}
