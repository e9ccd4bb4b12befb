using System.ComponentModel.DataAnnotations;

namespace CxActors.Customers;

/// <summary>The <c>CustomerHistory</c> section: what a customer grain keeps in memory and when it writes a snapshot.</summary>
public sealed class CustomerHistoryOptions
{
    public const string Section = "CustomerHistory";

    /// <summary>How many of a customer's latest interactions (by startedAt) the grain keeps in memory.</summary>
    [Range(1, 100_000)]
    public int RecentCapacity { get; set; } = 200;

    /// <summary>
    /// A snapshot is written after this many new interactions and on deactivation. It only bounds how many log
    /// rows an activation replays (durability is the log's), so no per-grain timer is kept for it.
    /// </summary>
    [Range(1, 1_000_000)]
    public int SnapshotEveryInteractions { get; set; } = 100;

    /// <summary>A customer grain idle this long is deactivated (its snapshot written) to free memory.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "7.00:00:00")]
    public TimeSpan IdleDeactivation { get; set; } = TimeSpan.FromMinutes(10);
}
