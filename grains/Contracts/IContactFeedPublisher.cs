namespace CxActors;

/// <summary>
/// A silo's publisher of the live contact feed, as one grain observer: told at once when a silo comes to want the
/// feed's batches. Not one-way: the silo whose first subscription it is waits for the publishers' answers (briefly), so
/// that what is committed once its subscription stream is open reaches it.
/// </summary>
public interface IContactFeedPublisher : IGrainObserver
{
    Task ListenersChangedAsync(ContactFeedListeners listeners);
}
