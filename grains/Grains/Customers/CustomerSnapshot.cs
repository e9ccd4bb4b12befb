namespace CxActors.Customers;

/// <summary>
/// The grain's persisted state: a snapshot of the live history as of <see cref="LogPosition"/>. It is written
/// behind and rarely; the <c>interactions</c> rows after <see cref="LogPosition"/> are replayed on activation.
/// Stored as JSON by the System.Text.Json grain storage serializer: rename nothing without a migration.
/// </summary>
[GenerateSerializer, Alias("cx.CustomerSnapshot")]
public sealed class CustomerSnapshot
{
    /// <summary>The highest customer_seq reflected here.</summary>
    [Id(0)] public int LogPosition { get; set; }
    [Id(1)] public string? Name { get; set; }
    /// <summary>When the interaction that gave <see cref="Name"/> started: a late arrival does not rename.</summary>
    [Id(2)] public DateTime? NameAt { get; set; }
    [Id(3)] public List<string> Phones { get; set; } = [];
    [Id(4)] public DateTime? FirstContactAt { get; set; }
    /// <summary>Interactions per channel, indexed by <see cref="Channel"/>.</summary>
    [Id(5)] public int[] ChannelCounts { get; set; } = new int[4];
    /// <summary>The latest interactions by startedAt, newest first.</summary>
    [Id(6)] public List<Interaction> Recent { get; set; } = [];
}
