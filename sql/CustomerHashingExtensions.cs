using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CxActors.Database;

public static class CustomerHashingExtensions
{
    /// <summary>The hasher, its key validated at start. Safe to call more than once.</summary>
    public static IServiceCollection AddCustomerHashing(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(CustomerHasher)))
            return services;
        services.AddOptions<CustomerHashOptions>()
            .Bind(configuration.GetSection(CustomerHashOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<CustomerHasher>();
        return services;
    }
}
