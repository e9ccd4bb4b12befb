using CxActors.Api.Data;
using CxActors.Api.Schema;
using CxActors.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Live;

/// <summary>
/// This silo's <c>contactAdded</c> subscriptions. It listens to the live contact feed as one grain observer renewed
/// in <see cref="IContactFeedDirectory"/> with whether it wants batches (holds a subscription), so every silo's log
/// writer sends it what it commits while, and only while, it has subscribers; it hands each committed interaction to
/// the subscriptions whose filters match. Its first subscription is announced to every publisher at once (not at their
/// next read of the directory, up to a second later), so the subscriber misses nothing committed after that. Handing over never waits: what a subscriber
/// cannot take at once is bounded by its connection's buffer (see <see cref="LiveSession"/>).
/// </summary>
public sealed class ContactFeedHub : BackgroundService, IContactFeedListener
{
    private readonly IGrainFactory _grains;
    private readonly ILogger<ContactFeedHub> _logger;
    private readonly Lock _gate = new();
    private readonly LiveOptions _options;
    private readonly CxMetrics _metrics;
    // One directory call at a time, each saying what Count is when it is made: a renewal that read 0 cannot land after
    // the announcement of a first subscription and withdraw it.
    private readonly SemaphoreSlim _directoryCalls = new(1, 1);
    private Subscription[] _subscriptions = [];
    private IContactFeedListener? _reference;
    private Task _announced = Task.CompletedTask;

    /// <summary>How long an announcement waits for a publisher's answer (a dead silo's is never coming).</summary>
    public static readonly TimeSpan AnnouncementTimeout = TimeSpan.FromSeconds(2);

    public ContactFeedHub(IGrainFactory grains, IOptions<LiveOptions> options, CxMetrics metrics, ILogger<ContactFeedHub> logger)
    {
        _grains = grains;
        _logger = logger;
        _options = options.Value;
        _metrics = metrics;
        metrics.ObserveLiveSubscriptions(() => Count);
    }

    /// <summary>Subscriptions this silo holds now.</summary>
    public int Count => Volatile.Read(ref _subscriptions).Length;

    /// <summary>
    /// Completes once every publisher knows this silo wants batches (or gave up waiting for one): an SSE stream answers
    /// its headers after it, so that what is committed once the client sees them reaches it.
    /// </summary>
    public Task Announced => Volatile.Read(ref _announced);

    /// <summary>Longest a new subscription waits for <see cref="Announced"/>: with the directory unreachable, publishers learn later.</summary>
    public static readonly TimeSpan AnnouncementWait = TimeSpan.FromSeconds(5);

    /// <summary>Waits for <see cref="Announced"/>, at most <see cref="AnnouncementWait"/>; false when cancelled.</summary>
    public async Task<bool> WaitAnnouncedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Announced.WaitAsync(AnnouncementWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The publishers learn of this silo at their next read of the directory.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        return true;
    }

    /// <summary>
    /// The stream of contacts for one subscription, or an error with a code when a limit is reached. The limits
    /// are counted once the stream is subscribed to (and released when that subscription is disposed).
    /// </summary>
    public IObservable<ContactEvent> Open(string? customerId, Channel? channel, LiveSession? session)
    {
        if (session is not null && session.Subscriptions >= session.MaxSubscriptions)
            throw new ExecutionError($"This connection already holds {session.MaxSubscriptions} subscriptions, its limit; complete one first.")
            { Code = ErrorCodes.LiveSubscriptionLimit };
        if (Count >= _options.MaxSubscriptionsPerSilo)
            throw new ExecutionError("This server holds as many subscriptions as it may; retry later or on another server.")
            { Code = ErrorCodes.LiveSubscriptionLimit };
        return new Stream(this, customerId is null ? null : CustomerIds.Normalize(customerId), channel, session);
    }

    public Task ContactsCommittedAsync(ContactBatch batch)
    {
        _metrics.LiveBatchReceived();
        var subscriptions = Volatile.Read(ref _subscriptions);
        if (subscriptions.Length == 0)
            return Task.CompletedTask;
        foreach (var interaction in batch.Interactions)
        {
            ContactEvent? contact = null;
            foreach (var subscription in subscriptions)
            {
                if (!subscription.Matches(interaction))
                    continue;
                try
                {
                    // One event, so one customer node, for all its subscribers: a profile is the same whoever reads it (no
                    // field of Customer depends on the caller), so the grain is asked once per event, not once per subscriber.
                    contact ??= new ContactEvent(interaction, new CustomerNode(_grains, interaction.CustomerId));
                    subscription.Observer.OnNext(contact);
                }
                catch (Exception ex)
                {
                    _logger.LogWarning(RedactedException.Of(ex), "A live subscription failed to take a contact");
                }
            }
        }
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await RenewAsync(stoppingToken);
            try
            {
                await Task.Delay(IContactFeedDirectory.Renewal, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Tells the directory whether this silo wants batches now; when it has just come to, tells every publisher too.</summary>
    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _directoryCalls.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            // The reference names this object to every silo; the runtime holds it weakly, this field strongly.
            _reference ??= _grains.CreateObjectReference<IContactFeedListener>(this);
            if (await _grains.GetGrain<IContactFeedDirectory>(0).ListenAsync(_reference, Count > 0) is { } wanted)
                await Task.WhenAll(wanted.Publishers.Select(p => TellAsync(p, wanted.Listeners)));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogWarning(RedactedException.Of(ex), "Could not renew this silo's place in the live contact feed");
        }
        finally
        {
            _directoryCalls.Release();
        }
    }

    private async Task TellAsync(IContactFeedPublisher publisher, ContactFeedListeners listeners)
    {
        try
        {
            await publisher.ListenersChangedAsync(listeners).WaitAsync(AnnouncementTimeout);
        }
        catch (Exception ex)
        {
            // That publisher learns it at its next read of the directory.
            _logger.LogDebug(RedactedException.Of(ex), "A publisher of the live contact feed was not told of this silo's first subscription");
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_reference is null)
            return;
        try
        {
            await _grains.GetGrain<IContactFeedDirectory>(0).LeaveAsync(_reference).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex)
        {
            // Forgotten by expiry instead.
            _logger.LogDebug(ex, "Could not leave the live contact feed");
        }
    }

    private void Add(Subscription subscription)
    {
        bool first;
        lock (_gate)
        {
            first = _subscriptions.Length == 0;
            _subscriptions = [.. _subscriptions, subscription];
        }
        // The last one's going is left to the next renewal: a batch or two more than needed costs nothing.
        if (first)
            Volatile.Write(ref _announced, RenewAsync(CancellationToken.None));
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
            _subscriptions = [.. _subscriptions.Where(s => !ReferenceEquals(s, subscription))];
    }

    private sealed class Stream(ContactFeedHub hub, string? customerId, Channel? channel, LiveSession? session) : IObservable<ContactEvent>
    {
        public IDisposable Subscribe(IObserver<ContactEvent> observer)
        {
            var subscription = new Subscription(hub, customerId, channel, session, observer);
            session?.Opened();
            hub.Add(subscription);
            return subscription;
        }
    }

    private sealed class Subscription(ContactFeedHub hub, string? customerId, Channel? channel, LiveSession? session, IObserver<ContactEvent> observer)
        : IDisposable
    {
        private int _disposed;

        public IObserver<ContactEvent> Observer { get; } = observer;

        public bool Matches(Interaction interaction) =>
            (customerId is null || string.Equals(customerId, interaction.CustomerId, StringComparison.Ordinal))
            && (channel is null || channel == interaction.Channel);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            hub.Remove(this);
            session?.Closed();
        }
    }
}
