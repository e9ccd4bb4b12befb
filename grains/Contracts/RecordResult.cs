namespace CxActors;

/// <summary>
/// What a RecordAsync call did: interactions newly recorded, and re-deliveries that changed nothing.
/// <para><see cref="DuplicatesByChannel"/> says which channels the duplicates were on, and is given only when the caller
/// cannot tell by itself: when the call mixed channels and some, not all, of its interactions were duplicates. Otherwise
/// it is null (no duplicates: all were accepted; all duplicates, or one channel: the caller knows), so the common
/// answer stays two integers on the wire. The metrics of the ingest pipeline (<c>cx.ingest.records</c> by channel) read it.</para>
/// </summary>
[GenerateSerializer, Immutable, Alias("cx.RecordResult")]
public sealed record RecordResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] int Duplicates,
    [property: Id(2)] IReadOnlyList<ChannelCount>? DuplicatesByChannel = null);
