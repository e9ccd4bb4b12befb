namespace CxActors;

/// <summary>
/// What a RecordAsync call did: interactions newly recorded, re-deliveries that changed nothing, and records refused
/// because the customer was erased after they started.
/// <para><see cref="DuplicatesByChannel"/> says which channels the duplicates were on, and is given only when the caller
/// cannot tell by itself: when the call mixed channels and some, not all, of its interactions were duplicates. Otherwise
/// it is null, so the common answer stays two integers on the wire. The ingest pipeline's metrics read it.</para>
/// </summary>
[GenerateSerializer, Immutable, Alias("cx.RecordResult")]
public sealed record RecordResult([property: Id(0)] int Accepted, [property: Id(1)] int Duplicates)
{
    /// <summary>Interactions refused because the customer was erased after they started (stored nowhere).</summary>
    [Id(2)] public int Erased { get; init; }
    /// <summary>The customer's erasure time when <see cref="Erased"/> &gt; 0: records started at or before it were refused.</summary>
    [Id(3)] public DateTime? ErasedAt { get; init; }
    /// <summary>Per channel, the duplicates of a call that mixed channels and was partly duplicate; else null.</summary>
    [Id(4)] public IReadOnlyList<ChannelCount>? DuplicatesByChannel { get; init; }
}
