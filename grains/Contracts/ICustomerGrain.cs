using Orleans.Concurrency;

namespace CxActors;

/// <summary>
/// One customer's live contact history. The key is the customer id: the e-mail address trimmed and lower-cased.
/// </summary>
public interface ICustomerGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records a batch of this customer's interactions in one call. Completes once every accepted interaction
    /// is durable in MySQL (in <c>interactions</c> and <c>customers</c>); re-deliveries count as duplicates
    /// and change nothing.
    /// </summary>
    Task<RecordResult> RecordAsync(IReadOnlyList<Interaction> interactions);

    /// <summary>The customer's profile and aggregates; null when the customer has no interaction.</summary>
    [AlwaysInterleave]
    Task<CustomerProfile?> GetProfileAsync();

    /// <summary>Contacts with <paramref name="sinceExclusive"/> &lt; startedAt &lt;= <paramref name="untilInclusive"/>.</summary>
    [AlwaysInterleave]
    Task<int> CountContactsAsync(DateTime sinceExclusive, DateTime untilInclusive, Channel? channel);

    /// <summary>Interactions newest first (startedAt, then id, descending), keyset-paged.</summary>
    [AlwaysInterleave]
    Task<InteractionPage> GetInteractionsAsync(Channel? channel, int first, InteractionCursor? after);

    /// <summary>
    /// LGPD erasure, after the caller has written the customer's tombstone (<paramref name="erasedAt"/>): refuses
    /// appends from now on, waits for the ones in flight, deletes the customer's log rows, customers row and snapshot
    /// through the same log writer loop as its appends (so nothing appended before can land after), then deactivates.
    /// The next activation learns the tombstone and refuses records started at or before it.
    /// </summary>
    Task<EraseResult> EraseAsync(DateTime erasedAt);

    /// <summary>
    /// Retention: deletes the customer's interactions that started before <paramref name="cutoff"/> and rewrites its
    /// customers row from what remains (removes it when nothing does), in one transaction through the log writer,
    /// then deactivates so that the next activation rebuilds from what remains. Appends meanwhile are refused (retry).
    /// </summary>
    Task<PurgeResult> PurgeAsync(DateTime cutoff);
}

[GenerateSerializer, Immutable, Alias("cx.RecordResult")]
public sealed record RecordResult([property: Id(0)] int Accepted, [property: Id(1)] int Duplicates)
{
    /// <summary>Interactions refused because the customer was erased after they started (stored nowhere).</summary>
    [Id(2)] public int Erased { get; init; }
    /// <summary>The customer's erasure time when <see cref="Erased"/> &gt; 0: records started at or before it were refused.</summary>
    [Id(3)] public DateTime? ErasedAt { get; init; }
}

[GenerateSerializer, Immutable, Alias("cx.EraseResult")]
public sealed record EraseResult(
    [property: Id(0)] int Interactions,
    [property: Id(1)] int CustomerRows,
    [property: Id(2)] int Snapshots);

[GenerateSerializer, Immutable, Alias("cx.PurgeResult")]
public sealed record PurgeResult([property: Id(0)] int Purged, [property: Id(1)] int Remaining);

[GenerateSerializer, Immutable, Alias("cx.ChannelCount")]
public sealed record ChannelCount([property: Id(0)] Channel Channel, [property: Id(1)] int Count);

[GenerateSerializer, Immutable, Alias("cx.CustomerProfile")]
public sealed record CustomerProfile
{
    [Id(0)] public required string CustomerId { get; init; }
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public required IReadOnlyList<string> Phones { get; init; }
    [Id(3)] public required int TotalContacts { get; init; }
    /// <summary>One entry per channel with at least one interaction, in <see cref="Channel"/> order.</summary>
    [Id(4)] public required IReadOnlyList<ChannelCount> ChannelCounts { get; init; }
    [Id(5)] public required DateTime FirstContactAt { get; init; }
    [Id(6)] public required Interaction LastInteraction { get; init; }
}

/// <summary>Position after which the next page starts: the last row's (startedAt, id).</summary>
[GenerateSerializer, Immutable, Alias("cx.InteractionCursor")]
public sealed record InteractionCursor([property: Id(0)] DateTime StartedAt, [property: Id(1)] string Id);

[GenerateSerializer, Immutable, Alias("cx.InteractionPage")]
public sealed record InteractionPage(
    [property: Id(0)] int TotalCount,
    [property: Id(1)] IReadOnlyList<Interaction> Nodes,
    [property: Id(2)] bool HasNextPage);
