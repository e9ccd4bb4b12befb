namespace CxActors;

/// <summary>
/// Which silos listen to the live contact feed (key 0, the only one), and which of them want its batches now (they
/// hold a subscription), and which silos publish it. Membership is soft state: a listener renews itself every second
/// and a publisher every time it reads the listeners; each is forgotten a few renewals after it stops (its silo died),
/// and a directory that was lost with its silo is rebuilt by the next renewals.
/// </summary>
public interface IContactFeedDirectory : IGrainWithIntegerKey
{
    /// <summary>How often a listener renews itself and a publisher re-reads the listeners.</summary>
    static readonly TimeSpan Renewal = TimeSpan.FromSeconds(1);

    /// <summary>A listener or publisher not renewed for this long is forgotten.</summary>
    static readonly TimeSpan Expiry = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds or renews <paramref name="listener"/>, which wants batches or not; when it has just come to want them, what it
    /// must tell the publishers at once (null otherwise).
    /// </summary>
    Task<ContactFeedWanted?> ListenAsync(IContactFeedListener listener, bool wantsBatches);

    /// <summary>Adds or renews <paramref name="publisher"/>; returns the listeners that want batches (what it fans out to).</summary>
    Task<ContactFeedListeners> PublishAsync(IContactFeedPublisher publisher);

    /// <summary>Removes <paramref name="listener"/> (its silo is stopping).</summary>
    Task LeaveAsync(IContactFeedListener listener);
}
