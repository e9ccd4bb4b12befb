using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CxActors.Privacy;

public static class PrivacyServiceExtensions
{
    /// <summary>
    /// What <see cref="PrivacyEndpoints.MapPrivacyApi"/> needs, and the retention service. <c>Privacy:HashKey</c> and
    /// the <c>Retention</c> section are validated at start.
    /// </summary>
    public static IServiceCollection AddPrivacy(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCxDatabase(configuration);
        services.AddCustomerHashing(configuration);
        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<PrivacySubjects>();
        services.AddSingleton<CustomerExport>();
        services.AddSingleton<CustomerEraser>();
        services.AddSingleton<PrivacyAudit>();
        services.AddHostedService<RetentionService>();
        return services;
    }
}
