namespace CxActors.Live;

/// <summary>
/// The soft-state lists of the live contact feed (see <see cref="IContactFeedDirectory"/>): every listening silo with
/// whether it wants batches, and every publishing silo. In memory only: losing it costs at most one renewal period of
/// events for the silos not yet re-registered.
/// </summary>
public sealed class ContactFeedDirectory(TimeProvider clock) : Grain, IContactFeedDirectory
{
    private readonly Dictionary<IContactFeedListener, (DateTimeOffset Renewed, bool Wants)> _listeners = [];
    private readonly Dictionary<IContactFeedPublisher, DateTimeOffset> _publishers = [];
    private ContactFeedListeners _wanting = ContactFeedListeners.None with { Epoch = Guid.NewGuid() };

    public Task<ContactFeedWanted?> ListenAsync(IContactFeedListener listener, bool wantsBatches)
    {
        var wanted = _listeners.TryGetValue(listener, out var known) && known.Wants;
        _listeners[listener] = (clock.GetUtcNow(), wantsBatches);
        var expired = Expire();
        if (wanted == wantsBatches)
        {
            if (expired)
                Changed();
            return Task.FromResult<ContactFeedWanted?>(null);
        }
        Changed();
        return Task.FromResult(wantsBatches ? new ContactFeedWanted { Listeners = _wanting, Publishers = [.. _publishers.Keys] } : null);
    }

    public Task<ContactFeedListeners> PublishAsync(IContactFeedPublisher publisher)
    {
        _publishers[publisher] = clock.GetUtcNow();
        if (Expire())
            Changed();
        return Task.FromResult(_wanting);
    }

    public Task LeaveAsync(IContactFeedListener listener)
    {
        if (_listeners.Remove(listener, out var left) && left.Wants)
            Changed();
        return Task.CompletedTask;
    }

    /// <summary>Forgets whoever stopped renewing; true when a listener that wanted batches went.</summary>
    private bool Expire()
    {
        var cutoff = clock.GetUtcNow() - IContactFeedDirectory.Expiry;
        foreach (var (publisher, _) in _publishers.Where(p => p.Value < cutoff).ToList())
            _publishers.Remove(publisher);
        var gone = _listeners.Where(l => l.Value.Renewed < cutoff).ToList();
        foreach (var (listener, _) in gone)
            _listeners.Remove(listener);
        return gone.Any(l => l.Value.Wants);
    }

    private void Changed() => _wanting = new ContactFeedListeners
    {
        Epoch = _wanting.Epoch,
        Version = _wanting.Version + 1,
        Listeners = [.. _listeners.Where(l => l.Value.Wants).Select(l => l.Key)],
    };
}
