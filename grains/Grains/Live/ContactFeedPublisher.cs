using System.Threading.Channels;
using CxActors.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CxActors.Live;

/// <summary>
/// Hands what this silo's log writer committed to every silo that wants the live contact feed's batches (holds a
/// subscription): a silo nobody watches on costs nothing per flush. The list comes from the directory, re-read every
/// renewal period, and is pushed here at once when a silo takes its first subscription (see
/// <see cref="ListenersChangedAsync"/>), so that a new subscriber misses nothing committed after it opened. The writer only
/// ever calls <see cref="Committed"/>, which never waits: a full queue drops the flush (logged) rather than slow or
/// block ingest. One loop packs whatever flushes are queued into one <see cref="ContactBatch"/> and sends it to each
/// listener one-way, so a slow or dead silo costs the loop nothing but a message.
/// </summary>
public sealed class ContactFeedPublisher(IGrainFactory grains, TimeProvider clock, CxMetrics metrics, ILogger<ContactFeedPublisher> logger)
    : BackgroundService, IContactFeedPublisher
{
    /// <summary>Flushes waiting to be published; past this the newest are dropped (events lost, ingest unaffected).</summary>
    public const int QueuedFlushes = 4_096;

    /// <summary>Most interactions one batch carries (one message to each listening silo).</summary>
    public const int MaxBatchInteractions = 2_000;

    private readonly System.Threading.Channels.Channel<(Interaction[] Interactions, DateTime CommittedAt)> _queue =
        System.Threading.Channels.Channel.CreateBounded<(Interaction[], DateTime)>(new BoundedChannelOptions(QueuedFlushes)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

    private ContactFeedListeners _listeners = ContactFeedListeners.None;
    private DateTimeOffset _listenersRead = DateTimeOffset.MinValue;
    private IContactFeedPublisher? _reference;
    private long _dropped;

    /// <summary>Called by the log writer after COMMIT with the interactions that commit stored.</summary>
    public void Committed(Interaction[] interactions)
    {
        if (interactions.Length == 0)
            return;
        if (!_queue.Writer.TryWrite((interactions, clock.GetUtcNow().UtcDateTime)))
            Interlocked.Add(ref _dropped, interactions.Length);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var pending = new List<Interaction>();
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                pending.Clear();
                var committedAt = DateTime.MaxValue;
                while (pending.Count < MaxBatchInteractions && reader.TryRead(out var flush))
                {
                    pending.AddRange(flush.Interactions);
                    if (flush.CommittedAt < committedAt)
                        committedAt = flush.CommittedAt;
                }
                ReportDrops();
                var listeners = await ListenersAsync();
                if (listeners.Length == 0)
                    continue;
                var batch = new ContactBatch { Interactions = [.. pending], CommittedAt = committedAt };
                foreach (var listener in listeners)
                {
                    try
                    {
                        // One-way: completes once the message is queued, whatever the listener does with it.
                        _ = listener.ContactsCommittedAsync(batch);
                    }
                    catch (Exception ex)
                    {
                        logger.LogWarning(RedactedException.Of(ex), "A live contact batch could not be sent to a listening silo");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown: what was not published is lost to the live feed only; the log holds it.
        }
    }

    /// <summary>A silo has just come to want batches: from now on it gets them (the newest list wins).</summary>
    public Task ListenersChangedAsync(ContactFeedListeners listeners)
    {
        Keep(listeners);
        return Task.CompletedTask;
    }

    /// <summary>The silos that want batches, re-read from the directory once per renewal period (the last list if it fails).</summary>
    private async ValueTask<IContactFeedListener[]> ListenersAsync()
    {
        var now = clock.GetUtcNow();
        if (now - _listenersRead < IContactFeedDirectory.Renewal)
            return Volatile.Read(ref _listeners).Listeners;
        try
        {
            // The reference names this object to every silo; the runtime holds it weakly, this field strongly.
            _reference ??= grains.CreateObjectReference<IContactFeedPublisher>(this);
            Keep(await grains.GetGrain<IContactFeedDirectory>(0).PublishAsync(_reference));
            _listenersRead = now;
        }
        catch (Exception ex)
        {
            logger.LogWarning(RedactedException.Of(ex), "The live contact feed's directory could not be read; using the last list of listeners");
            _listenersRead = now;
        }
        return Volatile.Read(ref _listeners).Listeners;
    }

    /// <summary>
    /// Keeps <paramref name="listeners"/> unless a newer list is already held: a read answered before a silo's first
    /// subscription may arrive after that silo's push, and must not undo it.
    /// </summary>
    private void Keep(ContactFeedListeners listeners)
    {
        var held = Volatile.Read(ref _listeners);
        while (listeners.IsNewerThan(held))
        {
            var seen = Interlocked.CompareExchange(ref _listeners, listeners, held);
            if (ReferenceEquals(seen, held))
                return;
            held = seen;
        }
    }

    private void ReportDrops()
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped == 0)
            return;
        metrics.LiveDropped(dropped);
        logger.LogWarning("The live contact feed fell behind and dropped {Interactions} committed interactions (subscribers miss them; the log has them)", dropped);
    }
}
