namespace CxActors;

/// <summary>
/// Which silos listen to the live contact feed (key 0, the only one). Membership is soft state: a listener renews
/// itself every few seconds and is forgotten a few renewals after it stops (its silo died), and a directory that
/// was lost with its silo is rebuilt by the next renewals.
/// </summary>
public interface IContactFeedDirectory : IGrainWithIntegerKey
{
    /// <summary>How often a listener renews itself and a publisher re-reads the listeners.</summary>
    static readonly TimeSpan Renewal = TimeSpan.FromSeconds(1);

    /// <summary>A listener not renewed for this long is forgotten.</summary>
    static readonly TimeSpan Expiry = TimeSpan.FromSeconds(10);

    /// <summary>Adds or renews <paramref name="listener"/>; returns every current listener.</summary>
    Task<IContactFeedListener[]> ListenAsync(IContactFeedListener listener);

    /// <summary>Every current listener (what a publisher fans out to).</summary>
    Task<IContactFeedListener[]> ListenersAsync();

    /// <summary>Removes <paramref name="listener"/> (its silo is stopping).</summary>
    Task LeaveAsync(IContactFeedListener listener);
}
