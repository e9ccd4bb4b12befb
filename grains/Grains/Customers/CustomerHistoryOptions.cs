namespace CxActors.Customers;

public sealed class CustomerHistoryOptions
{
    public const string Section = "CustomerHistory";

    /// <summary>How many of a customer's latest interactions (by startedAt) the grain keeps in memory.</summary>
    public int RecentCapacity { get; set; } = 200;

    /// <summary>
    /// A snapshot is written after this many new interactions and on deactivation. It only bounds how many log
    /// rows an activation replays (durability is the log's), so no per-grain timer is kept for it.
    /// </summary>
    public int SnapshotEveryInteractions { get; set; } = 100;

    /// <summary>A customer grain idle this long is deactivated (its snapshot written) to free memory.</summary>
    public TimeSpan IdleDeactivation { get; set; } = TimeSpan.FromMinutes(10);
}
