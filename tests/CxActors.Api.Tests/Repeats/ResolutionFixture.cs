namespace CxActors.Api.Tests.Repeats;

/// <summary>
/// A silo on a database of its own, so that the fleet answers see only these tests' histories. The grains keep only
/// 3 recent interactions in memory, so that most neighbourhoods are read from MySQL and some from the window.
/// </summary>
public sealed class ResolutionFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public SiloProcess Silo { get; private set; } = null!;
    public HttpClient Http => Silo.Http;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Silo = await SiloProcess.StartAsync(Database.ConnectionString, new Dictionary<string, string>
        {
            ["CustomerHistory:RecentCapacity"] = "3",
        });
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
    }
}
