using CxActors.Database;
using CxActors.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace CxActors.Customers;

/// <summary>
/// One customer's live contact history. Accepted interactions are committed to the interactions log (with the
/// customers row) by the silo's <see cref="InteractionLog"/> before a call returns; the grain state is only a
/// snapshot written behind, and an activation replays the log rows after it.
/// Reentrant so that a busy customer's calls overlap their waits for the log: each call updates the live
/// history synchronously before its first await, so interleaving never sees half a change.
/// </summary>
[Reentrant]
public sealed class CustomerGrain(
    InteractionLog log,
    LogHeadLookup logHeads,
    InteractionHistoryReader reader,
    IOptions<CustomerHistoryOptions> options,
    ILogger<CustomerGrain> logger) : Grain, ICustomerGrain
{
    /// <summary>The ADO.NET grain storage provider holding the snapshots, and the state's name in it.</summary>
    public const string StorageName = "cx";
    public const string StateName = "customer";

    // The live history is the state; the persisted snapshot object is dropped once read or written, so an
    // active customer is not held twice in memory. (The ETag is kept apart from the state object.)
    private static readonly CustomerSnapshot Released = new();

    // The snapshot is read and written through the provider by hand rather than by a [PersistentState] facet,
    // which would read it on every activation: a customer with no log rows has no snapshot to read.
    private readonly GrainState<CustomerSnapshot> _snapshot = new(Released);
    private IGrainStorage _storage = null!;
    private readonly CustomerHistoryOptions _options = options.Value;
    private CustomerHistory _history = null!;
    private int _appendsInFlight;
    private int _unsnapshotted;
    private bool _snapshotRunning;
    // Set when the live history may hold what the log does not: from then on this activation only
    // refuses, and the next one rebuilds from snapshot + log.
    private bool _stale;
    // Names this activation to the log writer, which refuses its later appends once one has failed.
    private readonly Guid _activation = Guid.NewGuid();
    // LGPD: when the customer was erased (its tombstone). Records started at or before it are refused, stored nowhere.
    private DateTime? _erasedAt;
    // Set by an erasure or a retention purge: this activation refuses appends from then on and deactivates after it.
    private string? _closing;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var customerId = this.GetPrimaryKeyString();
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageName);
        var head = await logHeads.GetAsync(customerId, cancellationToken);
        _erasedAt = head.ErasedAt;
        if (head.Head == 0)
        {
            _history = new CustomerHistory(customerId, _options.RecentCapacity);
        }
        else
        {
            await _storage.ReadStateAsync(StateName, this.GetGrainId(), _snapshot, cancellationToken);
            _history = CustomerHistory.FromSnapshot(customerId, _options.RecentCapacity, _snapshot.State ?? Released);
            _snapshot.State = Released;
            foreach (var row in await reader.ReadLogAfterAsync(customerId, _history.LogPosition, cancellationToken))
            {
                _history.Replay(row);
                _unsnapshotted++;
            }
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A silo shutting down with 100,000 customers would spend minutes writing snapshots it does not need: the
        // log holds everything and the next activation replays at most SnapshotEveryInteractions rows.
        if (_unsnapshotted > 0 && reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
            await WriteSnapshotAsync();
    }

    public async Task<RecordResult> RecordAsync(IReadOnlyList<Interaction> interactions)
    {
        ThrowIfStale();
        var customerId = _history.CustomerId;
        var erased = 0;
        if (_erasedAt is { } erasedAt && interactions.Any(i => i.StartedAt <= erasedAt))
        {
            // Re-deliveries of an erased customer's old records: refused, never stored. Newer ones are a new contact.
            erased = interactions.Count(i => i.StartedAt <= erasedAt);
            interactions = [.. interactions.Where(i => i.StartedAt > erasedAt)];
        }
        var fresh = new List<Interaction>(interactions.Count);
        // Most calls carry one or two interactions: no set for those.
        HashSet<string>? seen = interactions.Count > 1 ? new(StringComparer.Ordinal) : null;
        List<Interaction>? toCheck = null;
        foreach (var interaction in interactions)
        {
            if (!string.Equals(interaction.CustomerId, customerId, StringComparison.Ordinal))
                throw new ArgumentException($"Interaction {interaction.Id} belongs to another customer.");
            if (!WindowEntry.TryParseId(interaction.Id, out var high, out var low))
                throw new ArgumentException($"Interaction id '{interaction.Id}' is not an identity hash.");
            if (seen is not null && !seen.Add(interaction.Id) || _history.Contains(high, low))
                continue;
            if (_history.MayHaveLoggedElsewhere(interaction))
                (toCheck ??= []).Add(interaction);
            else
                fresh.Add(interaction);
        }

        if (toCheck is not null)
        {
            // Only the table knows about re-deliveries older than the window; ask once for the whole batch.
            var logged = await reader.FindLoggedAsync(customerId, toCheck.Select(i => i.Id).ToList(), CancellationToken.None);
            ThrowIfStale();
            // Another call may have recorded some of them while we waited.
            fresh.RemoveAll(i => _history.Contains(i.Id));
            fresh.AddRange(toCheck.Where(i => !logged.Contains(i.Id) && !_history.Contains(i.Id)));
        }

        var duplicates = interactions.Count - fresh.Count;
        if (fresh.Count == 0)
            return Result(0, duplicates, erased, null);
        var duplicatesByChannel = duplicates > 0 ? DuplicatesByChannel(interactions, fresh) : null;

        // The synchronous part: the live history moves on before the first await of the append, so that
        // every overlapping call sees it, and its customers row is consistent with all of them.
        var rows = new List<LoggedInteraction>(fresh.Count);
        foreach (var interaction in fresh)
            rows.Add(new LoggedInteraction(_history.Record(interaction), interaction));
        var customerRow = _history.ToCustomerRow();

        _appendsInFlight++;
        try
        {
            await log.AppendAsync(rows, customerRow, _activation);
        }
        catch (Exception ex)
        {
            // The live history is ahead of the log: never snapshot it, let a fresh activation rebuild.
            _stale = true;
            this.DeactivateOnIdle();
            // Customer ids are e-mail addresses: never in a log line or an exception message.
            logger.LogWarning(RedactedException.Of(ex), "A customer's {Rows} interactions were not logged; its activation reloads", rows.Count);
            throw new CustomerUnavailableException("The customer's interactions could not be stored now. Nothing was acknowledged; retry.");
        }
        finally
        {
            _appendsInFlight--;
        }

        _unsnapshotted += rows.Count;
        if (_unsnapshotted >= _options.SnapshotEveryInteractions)
            _ = WriteSnapshotAsync();
        return Result(fresh.Count, duplicates, erased, duplicatesByChannel);
    }

    private RecordResult Result(int accepted, int duplicates, int erased, List<ChannelCount>? duplicatesByChannel) =>
        erased == 0 && duplicatesByChannel is null ? new RecordResult(accepted, duplicates)
            : new RecordResult(accepted, duplicates) { Erased = erased, ErasedAt = erased > 0 ? _erasedAt : null, DuplicatesByChannel = duplicatesByChannel };

    public async Task<EraseResult> EraseAsync(DateTime erasedAt)
    {
        // Before the first await: every append from now on is refused (the caller retries and meets the next
        // activation, which knows the tombstone).
        Close("The customer is being erased; retry.");
        if (_erasedAt is null || erasedAt > _erasedAt)
            _erasedAt = erasedAt;
        await WaitForInFlightAsync();
        var deleted = await log.MaintainAsync(_history.CustomerId, purgeBefore: null, replacement: null);
        _history = new CustomerHistory(_history.CustomerId, _options.RecentCapacity);
        this.DeactivateOnIdle();
        return new EraseResult(deleted.Interactions, deleted.CustomerRows, deleted.Snapshots);
    }

    public async Task<PurgeResult> PurgeAsync(DateTime cutoff)
    {
        cutoff = InteractionIdentity.NormalizeUtc(cutoff);
        if (_history.FirstContactAt is not { } first || first >= cutoff)
            return new PurgeResult(0, _history.TotalContacts);
        Close("The customer's old interactions are being purged; retry.");
        await WaitForInFlightAsync();
        // What remains, rebuilt from the log one row at a time; appends are refused meanwhile, so it cannot move.
        var remaining = new CustomerHistory(_history.CustomerId, _options.RecentCapacity);
        await reader.ReplayStartedSinceAsync(_history.CustomerId, cutoff, remaining.Replay, CancellationToken.None);
        var deleted = await log.MaintainAsync(_history.CustomerId, cutoff, remaining.TotalContacts > 0 ? remaining.ToCustomerRow() : null);
        this.DeactivateOnIdle();
        return new PurgeResult(deleted.Interactions, remaining.TotalContacts);
    }

    private void Close(string reason)
    {
        _closing ??= reason;
        _stale = true; // never snapshot again; the next activation rebuilds from the log
    }

    /// <summary>Until no append or snapshot write of this activation is running (none starts once it is closing).</summary>
    private async Task WaitForInFlightAsync()
    {
        while (_appendsInFlight > 0 || _snapshotRunning)
            await Task.Delay(5);
    }

    /// <summary>
    /// Per channel, how many of <paramref name="interactions"/> are not in <paramref name="fresh"/>; null when they are all
    /// on one channel (the caller can tell then: see <see cref="RecordResult.DuplicatesByChannel"/>).
    /// </summary>
    private static List<ChannelCount>? DuplicatesByChannel(IReadOnlyList<Interaction> interactions, List<Interaction> fresh)
    {
        var first = interactions[0].Channel;
        var mixed = false;
        for (var i = 1; i < interactions.Count && !mixed; i++)
            mixed = interactions[i].Channel != first;
        if (!mixed)
            return null;
        Span<int> counts = stackalloc int[Channels.All.Count];
        foreach (var interaction in interactions)
            counts[(int)interaction.Channel]++;
        foreach (var interaction in fresh)
            counts[(int)interaction.Channel]--;
        var result = new List<ChannelCount>(counts.Length);
        for (var c = 0; c < counts.Length; c++)
            if (counts[c] > 0)
                result.Add(new ChannelCount((Channel)c, counts[c]));
        return result;
    }

    public Task<CustomerProfile?> GetProfileAsync() => Task.FromResult(_history.ToProfile());

    public async Task<int> CountContactsAsync(DateTime sinceExclusive, DateTime untilInclusive, Channel? channel)
    {
        var window = new ContactWindow(sinceExclusive, untilInclusive);
        if (window.IsEmpty || _history.TotalContacts == 0)
            return 0;
        if (_history.Covers(sinceExclusive))
            return _history.Count(window, channel);
        return await reader.CountAsync(_history.CustomerId, window, channel, CancellationToken.None);
    }

    public async Task<InteractionPage> GetInteractionsAsync(Channel? channel, int first, InteractionCursor? after)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, 1);
        var total = channel is { } c ? _history.CountOn(c) : _history.TotalContacts;
        // One more than asked tells whether there is a next page.
        var (entries, exact) = _history.Page(channel, first + 1, after);
        if (!exact)
            entries = await reader.ReadPageAsync(_history.CustomerId, channel, first + 1, after, CancellationToken.None);
        var hasNext = entries.Count > first;
        if (hasNext)
            entries.RemoveAt(entries.Count - 1);
        return new InteractionPage(total, entries, hasNext);
    }

    public async Task<ContactResolution> ClassifyAsync(string interactionId, DateTime startedAt, Channel channel, int withinHours, DateTime asOf)
    {
        var window = RepeatWindow.Of(withinHours);
        var points = await NeighbourhoodAsync(Saturating.Subtract(startedAt, window), Saturating.Add(startedAt, window));
        return RepeatRules.Classify(points, interactionId, startedAt, channel, window, asOf);
    }

    public async Task<int> CountRepeatsAsync(DateTime sinceExclusive, DateTime untilInclusive, int withinHours, Channel? channel, bool switchesOnly)
    {
        var window = RepeatWindow.Of(withinHours);
        var contacts = new ContactWindow(sinceExclusive, untilInclusive);
        if (contacts.IsEmpty || _history.TotalContacts == 0)
            return 0;
        var points = await NeighbourhoodAsync(Saturating.Subtract(sinceExclusive, window), untilInclusive);
        return RepeatRules.CountRepeats(points, contacts, window, channel, switchesOnly);
    }

    /// <summary>
    /// Every contact with startedAt in [<paramref name="fromInclusive"/>, <paramref name="toInclusive"/>], ascending: from the
    /// window when it holds all of them (nothing older than the window's oldest entry can be missing after it), else
    /// from the log.
    /// </summary>
    private async Task<List<ContactPoint>> NeighbourhoodAsync(DateTime fromInclusive, DateTime toInclusive)
    {
        if (_history.TotalContacts == 0)
            return [];
        if (fromInclusive.Ticks > DateTime.MinValue.Ticks && _history.Covers(fromInclusive.AddTicks(-1)))
            return _history.Points(fromInclusive, toInclusive);
        return await reader.ReadContactPointsAsync(_history.CustomerId, fromInclusive, toInclusive, CancellationToken.None);
    }

    private void ThrowIfStale()
    {
        if (_stale)
            throw new CustomerUnavailableException(_closing ?? "The customer's history is reloading; retry.");
    }

    /// <summary>Writes the live history as the grain state when it holds only logged interactions.</summary>
    private async Task WriteSnapshotAsync()
    {
        if (_stale || _snapshotRunning || _appendsInFlight > 0)
            return; // in-flight appends are not durable yet; the next append or deactivation comes back
        _snapshotRunning = true;
        var covered = _unsnapshotted;
        try
        {
            _snapshot.State = _history.ToSnapshot();
            await _storage.WriteStateAsync(StateName, this.GetGrainId(), _snapshot);
            _unsnapshotted -= covered;
            _snapshot.State = Released;
        }
        catch (Exception ex)
        {
            // The log holds everything; a failed snapshot only means a longer replay next activation.
            logger.LogWarning(RedactedException.Of(ex), "A customer's snapshot was not written");
            if (ex is InconsistentStateException)
            {
                _stale = true;
                this.DeactivateOnIdle();
            }
        }
        finally
        {
            _snapshotRunning = false;
        }
    }
}
