using System.Data.Common;
using CxActors.Customers;
using CxActors.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MySqlConnector;

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
    /// The customer grains, their MySQL-backed snapshots and the interaction log writer.
    /// Clustering is left to the caller (MySQL membership in the silo host, in-memory in the test cluster).
    /// </summary>
    public static ISiloBuilder AddCxActors(this ISiloBuilder silo, IConfiguration configuration)
    {
        var connectionString = ConnectionString(configuration);
        DbProviderFactories.RegisterFactory(MySqlInvariant, MySqlConnectorFactory.Instance);

        silo.AddAdoNetGrainStorage(CustomerGrain.StorageName, options =>
        {
            options.Invariant = MySqlInvariant;
            options.ConnectionString = connectionString;
        });
        silo.UseSystemTextJsonGrainStorageSerializer();

        var services = silo.Services;
        services.AddOptions<CxStorageOptions>()
            .Bind(configuration.GetSection(CxStorageOptions.Section))
            .Configure(o => o.ConnectionString = string.IsNullOrEmpty(o.ConnectionString) ? connectionString : o.ConnectionString);
        services.AddOptions<CustomerHistoryOptions>().Bind(configuration.GetSection(CustomerHistoryOptions.Section));
        var history = configuration.GetSection(CustomerHistoryOptions.Section).Get<CustomerHistoryOptions>() ?? new CustomerHistoryOptions();
        silo.Configure<Orleans.Configuration.GrainCollectionOptions>(o => o.CollectionAge = history.IdleDeactivation);
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
        var orleans = configuration.GetSection("Orleans");
        silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = orleans["ClusterId"] ?? "cx";
            o.ServiceId = ServiceId;
        });
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = MySqlInvariant;
            o.ConnectionString = ConnectionString(configuration);
        });
        var siloPort = orleans.GetValue("SiloPort", 11111);
        var gatewayPort = orleans.GetValue("GatewayPort", 30000);
        var advertised = AdvertisedAddress(orleans["AdvertisedIP"]);
        silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: orleans.GetValue("ListenOnAnyHostAddress", false));
        return silo;
    }

    /// <summary>
    /// The address other silos reach this one on: a literal IP, or "auto" for this host's first IPv4 address
    /// (containers, where every replica has its own address and one configuration).
    /// </summary>
    private static System.Net.IPAddress AdvertisedAddress(string? configured)
    {
        if (!string.Equals(configured, "auto", StringComparison.OrdinalIgnoreCase))
            return System.Net.IPAddress.Parse(string.IsNullOrWhiteSpace(configured) ? "127.0.0.1" : configured);
        return System.Net.Dns.GetHostAddresses(System.Net.Dns.GetHostName())
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a))
            ?? System.Net.IPAddress.Loopback;
    }

    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Cx") is { Length: > 0 } cs
            ? WithoutPoolReset(cs)
            : throw new InvalidOperationException("ConnectionStrings:Cx is not set (environment variable ConnectionStrings__Cx).");

    /// <summary>
    /// MySqlConnector resets a pooled connection's session on every reuse, one server round trip per open; under
    /// load that was a quarter of a million resets per million interactions. Nothing here leaves session state
    /// behind (isolation levels are set per transaction), so pooled connections are reused as they are, unless
    /// the configured string says otherwise.
    /// </summary>
    public static string WithoutPoolReset(string connectionString)
    {
        if (connectionString.Contains("ConnectionReset", StringComparison.OrdinalIgnoreCase)
            || connectionString.Contains("Connection Reset", StringComparison.OrdinalIgnoreCase))
            return connectionString;
        return new MySqlConnectionStringBuilder(connectionString) { ConnectionReset = false }.ConnectionString;
    }
}
