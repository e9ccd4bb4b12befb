using Orleans.TestingHost;

namespace CxActors.Tests.Infrastructure;

/// <summary>
/// An in-process Orleans test cluster whose customer grains use the real MySQL storage and log.
/// The recent window is tiny (5) so that the tests reach past it with a handful of interactions.
/// </summary>
public sealed class CustomerClusterFixture : IAsyncLifetime
{
    public const int RecentCapacity = 5;

    public TestDatabase Database { get; private set; } = null!;
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Cluster = await StartClusterAsync(Database.ConnectionString);
    }

    public static async Task<TestCluster> StartClusterAsync(string connectionString)
    {
        var builder = new TestClusterBuilder(1);
        builder.Properties["ConnectionStrings:Cx"] = connectionString;
        builder.Properties["CustomerHistory:RecentCapacity"] = RecentCapacity.ToString();
        builder.Properties["CustomerHistory:SnapshotEveryInteractions"] = "3";
        builder.Properties["Privacy:HashKey"] = SiloProcess.TestHashKey;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>Deactivates every idle grain now, so that the next call activates from storage.</summary>
    public async Task DeactivateAllAsync()
    {
        var management = Cluster.GrainFactory.GetGrain<IManagementGrain>(0);
        await management.ForceActivationCollection(TimeSpan.Zero);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddCxActors(siloBuilder.Configuration);
    }
}

[CollectionDefinition(Name)]
public sealed class CustomerClusterCollection : ICollectionFixture<CustomerClusterFixture>
{
    public const string Name = "customer cluster";
}
