using System.ComponentModel.DataAnnotations;

namespace CxActors.Storage;

/// <summary>The <c>Storage</c> section: how the interaction log writer packs and retries its flushes.</summary>
public sealed class InteractionLogOptions
{
    public const string Section = "Storage";

    /// <summary>Writer loops, each with its own connection: one commits while another sends.</summary>
    [Range(1, 32)]
    public int Writers { get; set; } = 2;

    /// <summary>Rows gathered into one flush (one transaction).</summary>
    [Range(1, 100_000)]
    public int MaxRowsPerFlush { get; set; } = 4000;

    /// <summary>Rows in one multi-row INSERT statement (fewer when their bytes would pass half of max_allowed_packet).</summary>
    [Range(1, 4096)]
    public int MaxRowsPerStatement { get; set; } = 512;

    /// <summary>Appends waiting for each writer loop before callers are slowed down (back-pressure).</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>How long a flush keeps retrying through a MySQL outage before its callers get an error.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(10);
}
