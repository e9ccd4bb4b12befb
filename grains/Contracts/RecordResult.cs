namespace CxActors;

/// <summary>What a RecordAsync call did: interactions newly recorded, re-deliveries that changed nothing, and records
/// refused because the customer was erased after they started.</summary>
[GenerateSerializer, Immutable, Alias("cx.RecordResult")]
public sealed record RecordResult([property: Id(0)] int Accepted, [property: Id(1)] int Duplicates)
{
    /// <summary>Interactions refused because the customer was erased after they started (stored nowhere).</summary>
    [Id(2)] public int Erased { get; init; }
    /// <summary>The customer's erasure time when <see cref="Erased"/> &gt; 0: records started at or before it were refused.</summary>
    [Id(3)] public DateTime? ErasedAt { get; init; }
}
