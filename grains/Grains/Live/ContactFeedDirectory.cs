namespace CxActors.Live;

/// <summary>
/// The soft-state list of silos listening to the live contact feed (see <see cref="IContactFeedDirectory"/>).
/// In memory only: losing it costs at most one renewal period of events for the silos not yet re-registered.
/// </summary>
public sealed class ContactFeedDirectory(TimeProvider clock) : Grain, IContactFeedDirectory
{
    private readonly Dictionary<IContactFeedListener, DateTimeOffset> _renewed = [];
    private IContactFeedListener[] _current = [];

    public Task<IContactFeedListener[]> ListenAsync(IContactFeedListener listener)
    {
        var isNew = !_renewed.ContainsKey(listener);
        _renewed[listener] = clock.GetUtcNow();
        if (isNew)
            _current = [.. _renewed.Keys];
        return ListenersAsync();
    }

    public Task<IContactFeedListener[]> ListenersAsync()
    {
        var cutoff = clock.GetUtcNow() - IContactFeedDirectory.Expiry;
        if (_renewed.Any(r => r.Value < cutoff))
        {
            foreach (var (listener, _) in _renewed.Where(r => r.Value < cutoff).ToList())
                _renewed.Remove(listener);
            _current = [.. _renewed.Keys];
        }
        return Task.FromResult(_current);
    }

    public Task LeaveAsync(IContactFeedListener listener)
    {
        if (_renewed.Remove(listener))
            _current = [.. _renewed.Keys];
        return Task.CompletedTask;
    }
}
