using CxActors.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CxActors.Ingest.Pipeline;

public static class IngestServiceExtensions
{
    /// <summary>The pipeline behind <see cref="IngestEndpoints.MapIngestApi"/>; its options are validated at start.</summary>
    public static IServiceCollection AddIngestPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCxDatabase(configuration);
        services.AddCustomerHashing(configuration);
        services.AddOptions<IngestApiOptions>()
            .Bind(configuration.GetSection(IngestApiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<PhoneOptions>()
            .Bind(configuration.GetSection(PhoneOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServerLimits>();
        services.AddSingleton<CustomerDirectory>();
        services.AddSingleton<RejectionStore>();
        services.AddSingleton<InteractionIngestor>();
        return services;
    }
}
