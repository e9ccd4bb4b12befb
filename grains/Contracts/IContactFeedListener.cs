using Orleans.Concurrency;

namespace CxActors;

/// <summary>
/// A silo's GraphQL subscriptions, as one grain observer: each silo's log writer hands it every committed batch.
/// One-way, so that a publisher never waits for (or on the failure of) a listener.
/// </summary>
public interface IContactFeedListener : IGrainObserver
{
    [OneWay]
    Task ContactsCommittedAsync(ContactBatch batch);
}
