using System.Runtime.ExceptionServices;
using CxActors.Database;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Ingest.Pipeline;

/// <summary>
/// The ingest pipeline behind every endpoint: reads a body as a stream of records, resolves each record's
/// customer, and sends each chunk's records to their customers' grains, one call per customer, with bounded
/// concurrency. A chunk is durable before the next is read, so memory stays bounded by the chunk, not the body.
/// </summary>
public sealed class InteractionIngestor
{
    private readonly IGrainFactory _grains;
    private readonly CustomerDirectory _directory;
    private readonly RejectionStore _rejections;
    private readonly IngestApiOptions _options;
    private readonly StorageRetry _retry;
    private readonly CxMetrics _metrics;

    private readonly string _phoneRegion;

    public InteractionIngestor(IGrainFactory grains, CustomerDirectory directory, RejectionStore rejections,
        IOptions<IngestApiOptions> options, IOptions<PhoneOptions> phones, CxMetrics metrics, ILogger<InteractionIngestor> logger)
    {
        _phoneRegion = phones.Value.DefaultRegion;
        _metrics = metrics;
        _grains = grains;
        _directory = directory;
        _rejections = rejections;
        _options = options.Value;
        // A grain reloads after a failed or conflicting append and cannot activate while MySQL is away; re-delivery to
        // the next activation is safe. A refused argument or a cancelled request is final.
        _retry = new StorageRetry(_options.RetryBudget, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2),
            ex => ex is not (ArgumentException or OperationCanceledException), logger, "Customer grain call");
    }

    public async Task IngestAsync(IngestFormat format, string channelName, Stream body, IngestOutcome outcome, CancellationToken cancellationToken)
    {
        // Raw text is stored only for rejections: accepted records need none.
        var adapterOptions = new IngestOptions { SourceTimeZone = _options.SourceTimeZone, PhoneRegion = _phoneRegion, KeepAllRawText = false };
        var chunk = new List<IngestRecord>(_options.ChunkRecords);
        await foreach (var record in IngestAdapters.ReadAsync(format, body, adapterOptions, cancellationToken))
        {
            chunk.Add(record);
            if (chunk.Count >= _options.ChunkRecords)
            {
                await ProcessChunkAsync(channelName, chunk, outcome, cancellationToken);
                chunk.Clear();
            }
        }
        if (chunk.Count > 0)
            await ProcessChunkAsync(channelName, chunk, outcome, cancellationToken);
    }

    private async Task ProcessChunkAsync(string channelName, List<IngestRecord> records, IngestOutcome outcome, CancellationToken cancellationToken)
    {
        // The chunk's deadline: storage that hangs makes the request fail (503), never wait without end.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.ChunkDeadline);
        var token = deadline.Token;

        var rejections = new List<(IngestRecord Record, string Reason)>();
        var resolution = await _directory.ResolveAsync(records, token);
        var resolved = resolution.Customers;
        var byCustomer = new Dictionary<string, List<Interaction>>(StringComparer.Ordinal);
        var indexes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        // Records of erased customers (LGPD): refused with a reason, stored nowhere, not even as rejections.
        var erased = new List<int>();
        List<IngestRecord>? erasedRecords = null;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (resolution.Erased[i])
            {
                erased.Add(record.Index);
                (erasedRecords ??= []).Add(record);
                continue;
            }
            var reason = record.Reason ?? resolution.Refusals[i]
                ?? (record.Draft is { } draft ? (resolved[i] is null ? NoCustomerReason(draft) : null) : "record could not be read");
            if (reason is not null)
            {
                rejections.Add((record, reason));
                continue;
            }
            var customerId = resolved[i]!;
            if (!byCustomer.TryGetValue(customerId, out var list))
            {
                byCustomer[customerId] = list = [];
                indexes[customerId] = [];
            }
            list.Add(record.Draft!.ToInteraction(customerId));
            indexes[customerId].Add(record.Index);
        }

        if (rejections.Count > 0)
        {
            await _rejections.StoreAsync(channelName, rejections, token);
            CountRejected(channelName, rejections.Select(r => r.Record));
            foreach (var (record, reason) in rejections)
            {
                outcome.RejectedCount++;
                if (outcome.Rejected.Count < _options.MaxRejectionsListed)
                    outcome.Rejected.Add(new Rejection(record.Index, reason));
            }
        }

        // Every customer's call of the chunk is started at once (in waves of MaxConcurrentGrainCalls) and awaited
        // together: their appends then share log flushes. Only a failed call pays for the retry machinery.
        var groups = byCustomer.ToArray();
        var calls = new Task<RecordResult>[groups.Length];
        var waveSize = _options.MaxConcurrentGrainCalls > 0 ? _options.MaxConcurrentGrainCalls : groups.Length; // <= 0: no limit
        for (var wave = 0; wave < groups.Length; wave += waveSize)
        {
            token.ThrowIfCancellationRequested(); // the client has gone, or the deadline passed: start no more calls
            var end = (int)Math.Min(groups.Length, (long)wave + waveSize);
            for (var g = wave; g < end; g++)
                calls[g] = RecordOnceAsync(groups[g].Key, groups[g].Value);
            await SettledAsync(Task.WhenAll(calls.AsSpan(wave, end - wave)), token);
            for (var g = wave; g < end; g++)
                if (calls[g].IsFaulted || calls[g].IsCanceled)
                    calls[g] = RecordWithRetryAsync(groups[g].Key, groups[g].Value, token);
        }
        // Retries of different customers run side by side. Whatever was confirmed stored is counted (a customer's
        // records are stored all or none); then a failure fails the request (the client re-sends; re-delivery is safe).
        await SettledAsync(Task.WhenAll(calls), token);
        Exception? failure = null;
        for (var g = 0; g < calls.Length; g++)
        {
            var call = calls[g];
            if (call.IsCompletedSuccessfully)
            {
                outcome.Accepted += call.Result.Accepted;
                outcome.Duplicates += call.Result.Duplicates;
                // The customer was erased between the chunk's tombstone check and its grain call: the grain refused
                // the records started at or before the erasure.
                if (call.Result is { Erased: > 0, ErasedAt: { } erasedAt })
                {
                    var (_, interactions) = groups[g];
                    var recordIndexes = indexes[groups[g].Key];
                    for (var k = 0; k < interactions.Count; k++)
                        if (interactions[k].StartedAt <= erasedAt)
                            erased.Add(recordIndexes[k]);
                }
            }
            else
            {
                failure ??= call.IsCompleted
                    ? call.Exception?.InnerException ?? new OperationCanceledException(token)
                    : new CustomerUnavailableException("A customer's records were not confirmed stored before the deadline.");
            }
        }
        if (erased.Count > 0)
        {
            erased.Sort();
            foreach (var index in erased)
            {
                outcome.RejectedCount++;
                if (outcome.Rejected.Count < _options.MaxRejectionsListed)
                    outcome.Rejected.Add(new Rejection(index, ErasedReason));
            }
        }
        if (erasedRecords is not null)
            CountRejected(channelName, erasedRecords);
        CountStored(groups, calls);
        if (failure is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            failure = new CustomerUnavailableException("A customer's records were not confirmed stored before the deadline.");
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>
    /// <c>cx.ingest.records</c> for records the response lists as rejected before any grain call (unreadable, no customer,
    /// an erased customer's by its tombstone), by the record's channel: the native endpoint's, else the one the record
    /// named, else <see cref="CxMetrics.UnknownChannel"/>.
    /// </summary>
    private void CountRejected(string channelName, IEnumerable<IngestRecord> rejected)
    {
        if (!_metrics.IngestRecordsEnabled)
            return;
        var endpointChannel = ChannelNames.ChannelOf(channelName);
        Span<int> byChannel = stackalloc int[Channels.All.Count];
        var unknown = 0;
        foreach (var record in rejected)
        {
            if ((endpointChannel ?? record.Draft?.Channel) is { } channel)
                byChannel[(int)channel]++;
            else
                unknown++;
        }
        for (var c = 0; c < byChannel.Length; c++)
            _metrics.IngestRecords(((Channel)c).ToCode(), CxMetrics.Outcomes.Rejected, byChannel[c]);
        _metrics.IngestRecords(CxMetrics.UnknownChannel, CxMetrics.Outcomes.Rejected, unknown);
    }

    /// <summary>
    /// <c>cx.ingest.records</c> for the calls confirmed stored (a call is all or none), by channel, exactly as the response
    /// reports them: records the grain refused because their customer was erased (started at or before
    /// <see cref="RecordResult.ErasedAt"/>, the grain's own rule) are rejected; of the others, the duplicates (by
    /// <see cref="RecordResult.DuplicatesByChannel"/> when the grain spells them out, otherwise all of them, or all of one
    /// channel, because the grain spells out every mixed call that is partly duplicate) are duplicate and the rest accepted.
    /// </summary>
    private void CountStored(KeyValuePair<string, List<Interaction>>[] groups, Task<RecordResult>[] calls)
    {
        if (!_metrics.IngestRecordsEnabled)
            return;
        var n = Channels.All.Count;
        Span<int> accepted = stackalloc int[n];
        Span<int> duplicates = stackalloc int[n];
        Span<int> rejected = stackalloc int[n];
        Span<int> callKept = stackalloc int[n];
        Span<int> callDuplicates = stackalloc int[n];
        for (var g = 0; g < groups.Length; g++)
        {
            if (!calls[g].IsCompletedSuccessfully)
                continue;
            var result = calls[g].Result;
            callKept.Clear();
            callDuplicates.Clear();
            var erasedAt = result is { Erased: > 0, ErasedAt: { } at } ? at : (DateTime?)null;
            Channel? keptChannel = null;
            var kept = 0;
            foreach (var interaction in groups[g].Value)
            {
                if (interaction.StartedAt <= erasedAt)
                {
                    rejected[(int)interaction.Channel]++;
                    continue;
                }
                callKept[(int)interaction.Channel]++;
                kept++;
                keptChannel ??= interaction.Channel;
            }
            if (result.Duplicates > 0)
            {
                if (result.DuplicatesByChannel is { } reported)
                {
                    foreach (var count in reported)
                        callDuplicates[(int)count.Channel] += count.Count;
                }
                else if (result.Duplicates >= kept)
                {
                    callKept.CopyTo(callDuplicates); // all duplicate: the grain spells out only partly duplicate calls
                }
                else if (keptChannel is { } channel)
                {
                    callDuplicates[(int)channel] = result.Duplicates;
                }
            }
            for (var c = 0; c < n; c++)
            {
                duplicates[c] += callDuplicates[c];
                accepted[c] += callKept[c] - callDuplicates[c];
            }
        }
        for (var c = 0; c < n; c++)
        {
            var code = ((Channel)c).ToCode();
            _metrics.IngestRecords(code, CxMetrics.Outcomes.Accepted, accepted[c]);
            _metrics.IngestRecords(code, CxMetrics.Outcomes.Duplicate, duplicates[c]);
            _metrics.IngestRecords(code, CxMetrics.Outcomes.Rejected, rejected[c]);
        }
    }

    /// <summary>Waits until every call has ended however it ended, or until the deadline (calls still running are then counted as failed).</summary>
    private static async Task SettledAsync(Task all, CancellationToken deadline)
    {
        try
        {
            await all.WaitAsync(deadline);
        }
        catch
        {
            // Observed here; each call is looked at on its own.
        }
    }

    private Task<RecordResult> RecordOnceAsync(string customerId, List<Interaction> interactions)
    {
        try
        {
            return _grains.GetCustomer(customerId).RecordAsync(interactions);
        }
        catch (Exception ex)
        {
            return Task.FromException<RecordResult>(ex);
        }
    }

    /// <summary>Attempts 2 and on, after the first call failed.</summary>
    private async Task<RecordResult> RecordWithRetryAsync(string customerId, List<Interaction> interactions, CancellationToken cancellationToken)
    {
        await Task.Delay(_retry.FirstDelay, cancellationToken);
        return await _retry.ExecuteAsync(_ => new ValueTask<RecordResult>(_grains.GetCustomer(customerId).RecordAsync(interactions)), cancellationToken);
    }

    /// <summary>The reason given for a record of an erased customer that started at or before the erasure.</summary>
    public const string ErasedReason = "customer erased";

    private static string NoCustomerReason(InteractionDraft draft) => draft.Phone is null
        ? "no customer e-mail or phone"
        : $"no customer e-mail, and phone '{draft.Phone}' is not linked to any customer yet";
}
