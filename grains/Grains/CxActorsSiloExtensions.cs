using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using CxActors.Customers;
using CxActors.Database;
using CxActors.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MySqlConnector;
using Orleans.Clustering.AdoNet;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace CxActors;

public static class CxActorsSiloExtensions
{
    /// <summary>The Orleans ADO.NET invariant under which MySqlConnector is registered.</summary>
    public const string MySqlInvariant = "MySql.Data.MySqlConnector";

    /// <summary>
    /// Fixed from the first release: stored grain state is keyed by it, so changing it orphans every snapshot.
    /// </summary>
    public const string ServiceId = "cxactors";

    /// <summary>
    /// The customer grains, their MySQL-backed snapshots, the interaction log writer and the schema start-up step.
    /// Clustering is left to the caller (MySQL membership in the silo host, in-memory in the test cluster).
    /// </summary>
    public static ISiloBuilder AddCxActors(this ISiloBuilder silo, IConfiguration configuration)
    {
        DbProviderFactories.RegisterFactory(MySqlInvariant, MySqlConnectorFactory.Instance);
        var services = silo.Services;
        services.AddCxDatabase(configuration);
        services.AddCustomerHashing(configuration);

        silo.AddAdoNetGrainStorage(CustomerGrain.StorageName, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<CxDataSources>((o, dataSources) =>
            {
                o.Invariant = MySqlInvariant;
                o.ConnectionString = dataSources.OrleansConnectionString;
            }));
        silo.UseSystemTextJsonGrainStorageSerializer();

        services.AddOptions<InteractionLogOptions>()
            .Bind(configuration.GetSection(InteractionLogOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<CustomerHistoryOptions>()
            .Bind(configuration.GetSection(CustomerHistoryOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<GrainCollectionOptions>()
            .Configure<IOptions<CustomerHistoryOptions>>((o, history) => o.CollectionAge = history.Value.IdleDeactivation);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServerLimits>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaStartup>();
        services.AddSingleton<Live.ContactFeedPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<Live.ContactFeedPublisher>());
        services.AddSingleton<InteractionLog>();
        services.AddHostedService(sp => sp.GetRequiredService<InteractionLog>());
        services.AddSingleton<InteractionHistoryReader>();
        services.AddSingleton<LogHeadLookup>();
        services.AddHostedService(sp => sp.GetRequiredService<LogHeadLookup>());
        return silo;
    }

    /// <summary>MySQL membership: every silo of the cluster registers in OrleansMembershipTable.</summary>
    public static ISiloBuilder UseCxClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        DbProviderFactories.RegisterFactory(MySqlInvariant, MySqlConnectorFactory.Instance);
        silo.Services.AddCxDatabase(configuration);
        // Endpoints are needed while the silo is being built, before options can be resolved: read and check them here.
        var endpoint = configuration.GetSection(SiloEndpointOptions.Section).Get<SiloEndpointOptions>() ?? new SiloEndpointOptions();
        Validator.ValidateObject(endpoint, new ValidationContext(endpoint), validateAllProperties: true);
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = endpoint.ClusterId;
            o.ServiceId = ServiceId;
        });
        silo.UseAdoNetClustering((OptionsBuilder<AdoNetClusteringSiloOptions> options) =>
            options.Configure<CxDataSources>((o, dataSources) =>
            {
                o.Invariant = MySqlInvariant;
                o.ConnectionString = dataSources.OrleansConnectionString;
            }));
        silo.ConfigureEndpoints(AdvertisedAddress(endpoint.AdvertisedIP), endpoint.SiloPort, endpoint.GatewayPort,
            listenOnAnyHostAddress: endpoint.ListenOnAnyHostAddress);
        return silo;
    }

    /// <summary>
    /// The address other silos reach this one on: a literal IP, or "auto" for this host's first IPv4 address
    /// (containers, where every replica has its own address and one configuration).
    /// </summary>
    private static System.Net.IPAddress AdvertisedAddress(string configured)
    {
        if (!string.Equals(configured, "auto", StringComparison.OrdinalIgnoreCase))
            return System.Net.IPAddress.TryParse(configured, out var address) ? address
                : throw new ValidationException($"Orleans:AdvertisedIP must be an IP address or 'auto'; got '{configured}'.");
        return System.Net.Dns.GetHostAddresses(System.Net.Dns.GetHostName())
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a))
            ?? System.Net.IPAddress.Loopback;
    }
}
