using CxActors.Ingest;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;

namespace CxActors.Silo.Ingest;

/// <summary>What one ingest request did, record by record.</summary>
public sealed class IngestOutcome
{
    public int Accepted { get; set; }
    public int Duplicates { get; set; }
    public int RejectedCount { get; set; }
    public List<Rejection> Rejected { get; } = [];
}

public sealed record Rejection(int Record, string Reason);

/// <summary>
/// The ingest pipeline behind every endpoint: reads a body as a stream of records, resolves each record's
/// customer, and sends each chunk's records to their customers' grains, one call per customer, with bounded
/// concurrency. A chunk is durable before the next is read, so memory stays bounded by the chunk, not the body.
/// </summary>
public sealed class InteractionIngestor(
    IGrainFactory grains,
    CustomerDirectory directory,
    IOptions<IngestApiOptions> options,
    ILogger<InteractionIngestor> logger)
{
    private readonly IngestApiOptions _options = options.Value;

    public async Task IngestAsync(IngestFormat format, string channelName, Stream body, IngestOutcome outcome, CancellationToken cancellationToken)
    {
        // Raw text is stored only for rejections: accepted records need none.
        var adapterOptions = new IngestOptions { SourceTimeZone = _options.SourceTimeZone, KeepAllRawText = false };
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
        var rejections = new List<(IngestRecord Record, string Reason)>();
        var resolved = await directory.ResolveAsync(records, cancellationToken);
        var byCustomer = new Dictionary<string, List<Interaction>>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var reason = record.Reason ?? (record.Draft is { } draft ? (resolved[i] is null ? NoCustomerReason(draft) : null) : "record could not be read");
            if (reason is not null)
            {
                rejections.Add((record, reason));
                continue;
            }
            var customerId = resolved[i]!;
            if (!byCustomer.TryGetValue(customerId, out var list))
                byCustomer[customerId] = list = [];
            list.Add(record.Draft!.ToInteraction(customerId));
        }

        if (rejections.Count > 0)
        {
            await directory.StoreRejectionsAsync(channelName, rejections, cancellationToken);
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
            cancellationToken.ThrowIfCancellationRequested(); // the client has gone: start no more calls
            var end = (int)Math.Min(groups.Length, (long)wave + waveSize);
            for (var g = wave; g < end; g++)
                calls[g] = RecordOnceAsync(groups[g].Key, groups[g].Value);
            await SettledAsync(Task.WhenAll(calls.AsSpan(wave, end - wave)));
            for (var g = wave; g < end; g++)
                if (!calls[g].IsCompletedSuccessfully)
                    calls[g] = RecordWithRetryAsync(groups[g].Key, groups[g].Value,
                        calls[g].IsCanceled ? new TaskCanceledException(calls[g]) : calls[g].Exception?.InnerException, cancellationToken);
        }
        // Retries of different customers run side by side. Whatever was stored is counted (a customer's records are
        // stored all or none); then a failure for good fails the request (the client re-sends; re-delivery is safe).
        await SettledAsync(Task.WhenAll(calls));
        Exception? failure = null;
        foreach (var call in calls)
        {
            if (call.IsCompletedSuccessfully)
            {
                outcome.Accepted += call.Result.Accepted;
                outcome.Duplicates += call.Result.Duplicates;
            }
            else
            {
                failure ??= call.Exception?.InnerException ?? new OperationCanceledException(cancellationToken);
            }
        }
        if (failure is not null)
            ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Waits until every call has ended, however it ended: the callers read each call's outcome.</summary>
    private static async Task SettledAsync(Task all)
    {
        try
        {
            await all;
        }
        catch
        {
            // Observed here; each failed call is looked at on its own.
        }
    }

    private Task<RecordResult> RecordOnceAsync(string customerId, List<Interaction> interactions)
    {
        try
        {
            return grains.GetCustomer(customerId).RecordAsync(interactions);
        }
        catch (Exception ex)
        {
            return Task.FromException<RecordResult>(ex);
        }
    }

    /// <summary>Attempts 2 and on, after the first call failed with <paramref name="firstFailure"/>.</summary>
    private async Task<RecordResult> RecordWithRetryAsync(string customerId, List<Interaction> interactions, Exception? firstFailure, CancellationToken cancellationToken)
    {
        var failure = firstFailure ?? new CustomerUnavailableException($"customer '{customerId}' did not answer");
        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; ; attempt++)
        {
            // A grain reloads after a failed or conflicting append, and cannot activate while MySQL is away;
            // re-delivery to the next activation is safe, so wait a little and try again.
            if (failure is OperationCanceledException or ArgumentException || cancellationToken.IsCancellationRequested)
                ExceptionDispatchInfo.Throw(failure);
            if (attempt >= _options.GrainAttempts)
            {
                logger.LogWarning(failure, "Customer {CustomerId}: {Count} interactions not stored after {Attempts} attempts", customerId, interactions.Count, attempt);
                throw failure as CustomerUnavailableException ?? new CustomerUnavailableException($"customer '{customerId}' is unavailable: {failure.Message}", failure);
            }
            logger.LogDebug(failure, "Retrying customer {CustomerId} (attempt {Attempt})", customerId, attempt + 1);
            await Task.Delay(delay, cancellationToken);
            delay *= 2;
            try
            {
                return await grains.GetCustomer(customerId).RecordAsync(interactions);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }
    }

    private static string NoCustomerReason(InteractionDraft draft) => draft.Phone is null
        ? "no customer e-mail or phone"
        : $"no customer e-mail, and phone '{draft.Phone}' is not linked to any customer yet";
}

public sealed class IngestApiOptions
{
    public const string Section = "Ingest";

    /// <summary>IANA time zone of the exports' local times.</summary>
    public string SourceTimeZone { get; set; } = "America/Sao_Paulo";

    /// <summary>Largest request body accepted, in bytes (413 beyond). Large files go through ./cx import in chunks.</summary>
    public long MaxBodyBytes { get; set; } = 1L << 30;

    /// <summary>Records read before they are sent to the grains and made durable.</summary>
    public int ChunkRecords { get; set; } = 5000;

    /// <summary>
    /// Customer grain calls in flight per request (0 or less: the whole chunk). High on purpose: every call waits for a log flush, and a
    /// flush can only pack what the calls in flight have queued, so a whole chunk should be in flight at once.
    /// </summary>
    public int MaxConcurrentGrainCalls { get; set; } = 5000;

    /// <summary>Attempts per customer batch when its grain could not store it (backing off 0.2, 0.4, 0.8, 1.6 s).</summary>
    public int GrainAttempts { get; set; } = 5;

    /// <summary>Rejections listed in a response (all are counted and stored in ingest_rejections).</summary>
    public int MaxRejectionsListed { get; set; } = 10_000;
}
