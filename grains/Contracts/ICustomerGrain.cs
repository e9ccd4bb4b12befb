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
}
