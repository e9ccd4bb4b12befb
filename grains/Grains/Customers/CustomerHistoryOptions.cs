namespace CxActors.Customers;

public sealed class CustomerHistoryOptions
{
    public const string Section = "CustomerHistory";

    /// <summary>How many of a customer's latest interactions (by startedAt) the grain keeps in memory.</summary>
    public int RecentCapacity { get; set; } = 200;

    /// <summary>A snapshot is written after this many new interactions...</summary>
    public int SnapshotEveryInteractions { get; set; } = 100;

    /// <summary>...or this long after the first change it does not yet hold, and on deactivation.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(2);
}
