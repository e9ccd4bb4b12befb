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
    /// One contact's repeat, channel-switch and resolution flags for a window of <paramref name="withinHours"/> (1..720),
    /// from its neighbours in the customer's whole history (contacts started after <paramref name="asOf"/> do not count
    /// for the resolution). The contact is named by its key; it need not be one the customer has.
    /// </summary>
    [AlwaysInterleave]
    Task<ContactResolution> ClassifyAsync(string interactionId, DateTime startedAt, Channel channel, int withinHours, DateTime asOf);

    /// <summary>
    /// Repeats (or, with <paramref name="switchesOnly"/>, channel switches) among the contacts with
    /// <paramref name="sinceExclusive"/> &lt; startedAt &lt;= <paramref name="untilInclusive"/>, on <paramref name="channel"/>
    /// when given (the earlier contact may be on any channel).
    /// </summary>
    [AlwaysInterleave]
    Task<int> CountRepeatsAsync(DateTime sinceExclusive, DateTime untilInclusive, int withinHours, Channel? channel, bool switchesOnly);

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
