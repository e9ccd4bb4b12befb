using System.Diagnostics;
using System.Threading.Channels;
using CxActors.Database;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Storage;

/// <summary>
/// The commit point of every accepted interaction. Grains hand their new rows (and their updated customers
/// row) to this per-silo writer; one loop packs whatever is queued into multi-row statements, inserts the
/// interactions, upserts the customers and adds the inserted contacts to the hourly rollups (contact_stats_hourly) in
/// one READ COMMITTED transaction, and completes each caller only
/// after COMMIT. Under load the queue fills while a flush runs, so batches grow by themselves (group commit)
/// without any added latency when the service is quiet.
/// </summary>
public sealed class InteractionLog : BackgroundService
{
    private readonly InteractionLogOptions _options;
    private readonly ILogger<InteractionLog> _logger;
    private readonly TimeProvider _clock;
    private readonly ServerLimits _limits;
    private readonly StorageRetry _retry;
    private readonly LogWriterSession[] _sessions;
    private readonly CxMetrics _metrics;
    private readonly Live.ContactFeedPublisher _feed;

    /// <summary>Most links one flush span carries (OpenTelemetry's default limit of links per span).</summary>
    private const int MaxFlushLinks = 128;

    public InteractionLog(IOptions<InteractionLogOptions> options, CxDataSources dataSources, ServerLimits limits,
        CxMetrics metrics, Live.ContactFeedPublisher feed, ILogger<InteractionLog> logger, TimeProvider? clock = null)
    {
        _metrics = metrics;
        _feed = feed;
        _options = options.Value;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _limits = limits;
        _retry = new StorageRetry(_options.RetryBudget, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2),
            StorageFailures.IsTransient, logger, "Interaction log flush", _clock, metrics.LogRetried);
        _sessions = [.. Enumerable.Range(0, _options.Writers).Select(_ => new LogWriterSession(dataSources.Log, _options))];
        metrics.ObserveQueueDepth(() => _sessions.Sum(s => (long)s.Queue.Reader.Count));
    }

    /// <summary>
    /// Completes once the rows and the customers row are committed; throws if they could not be.
    /// <paramref name="activation"/> identifies the grain activation that computed them (see <see cref="FlushAsync"/>).
    /// </summary>
    public Task AppendAsync(IReadOnlyList<LoggedInteraction> rows, CustomerRow customer, Guid activation, CancellationToken cancellationToken = default)
    {
        var append = new LogAppend(rows, customer, activation);
        // A customer's appends always go through the same writer loop, in the order they were made.
        var session = SessionOf(customer.CustomerId);
        // The queue almost always has room: no state machine for the common case.
        return session.Queue.Writer.TryWrite(append) ? append.Completion.Task : WaitForRoomAsync(session, append, cancellationToken);
    }

    /// <summary>
    /// Deletes every log row, the customers row and the grain snapshot of the customer (erasure), or with
    /// <paramref name="purgeBefore"/> only the rows started before it, the customers row then replaced by
    /// <paramref name="replacement"/> (none when null), the deleted rows subtracted from the hourly rollups: one
    /// transaction, in the customer's writer loop after every append queued before it.
    /// </summary>
    public async Task<LogMaintenanceResult> MaintainAsync(string customerId, DateTime? purgeBefore, CustomerRow? replacement, CancellationToken cancellationToken = default)
    {
        var maintenance = new LogMaintenance(customerId, purgeBefore, replacement);
        await SessionOf(customerId).Queue.Writer.WriteAsync(maintenance, cancellationToken);
        return await maintenance.Completion.Task;
    }

    private LogWriterSession SessionOf(string customerId) =>
        _sessions[(int)((uint)StringComparer.Ordinal.GetHashCode(customerId) % (uint)_sessions.Length)];

    private static async Task WaitForRoomAsync(LogWriterSession session, LogAppend append, CancellationToken cancellationToken)
    {
        await session.Queue.Writer.WriteAsync(append, cancellationToken);
        await append.Completion.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Several loops, each on its own connection: MySQL commits one flush while the next is being sent.
        Task.WhenAll(_sessions.Select(WriteLoopAsync));

    private async Task WriteLoopAsync(LogWriterSession session)
    {
        var batch = new List<LogAppend>();
        // Drain on shutdown: a loop ends only when its queue is completed and empty (see StopAsync).
        var queue = session.Queue.Reader;
        while (await queue.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            var rows = 0;
            while (rows < _options.MaxRowsPerFlush && queue.TryPeek(out var work))
            {
                if (work is LogMaintenance maintenance)
                {
                    // In queue order: the appends before it are committed first.
                    if (batch.Count > 0)
                        break;
                    queue.TryRead(out _);
                    await MaintainAsync(maintenance, session);
                    continue;
                }
                queue.TryRead(out _);
                var append = (LogAppend)work;
                batch.Add(append);
                rows += append.Rows.Count;
            }
            if (batch.Count > 0)
                await TracedFlushAsync(batch, rows, session);
        }
    }

    /// <summary>
    /// A flush with its span and metrics. The span (<c>cx.log.flush</c>) is a root linked to each traced caller's
    /// activity (<see cref="ActivityLink"/>), not a child of one of them: the flush belongs to many requests' traces
    /// at once, and parenting it to the first would hide it from all the others. The sampler records it when any
    /// linked caller was recorded (see the telemetry wiring in ServiceDefaults).
    /// </summary>
    private async Task TracedFlushAsync(List<LogAppend> batch, int rows, LogWriterSession session)
    {
        var started = _clock.GetTimestamp();
        using (var activity = StartFlushActivity(batch, rows))
        {
            await FlushAsync(batch, session);
            activity?.SetTag("cx.log.appends.failed", batch.Count(a => a.Completion.Task.IsFaulted));
        }
        // The rows it made durable: a flush that failed (or refused some appends) stored fewer, maybe none.
        _metrics.LogFlushed(batch.Where(a => a.Completion.Task.IsCompletedSuccessfully).Sum(a => a.Rows.Count), _clock.GetElapsedTime(started));
    }

    private static Activity? StartFlushActivity(List<LogAppend> batch, int rows)
    {
        if (!CxActivities.Source.HasListeners())
            return null;
        List<ActivityLink>? links = null;
        foreach (var append in batch)
        {
            if (append.Caller == default)
                continue;
            (links ??= []).Add(new ActivityLink(append.Caller));
            if (links.Count == MaxFlushLinks)
                break;
        }
        // A root: whatever Activity.Current the loop inherited from the host's start is not its parent.
        Activity.Current = null;
        var activity = CxActivities.Source.StartActivity("cx.log.flush", ActivityKind.Internal, parentContext: default, links: links);
        activity?.SetTag("cx.log.appends", batch.Count);
        activity?.SetTag("cx.log.rows", rows);
        return activity;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var session in _sessions)
            session.Queue.Writer.TryComplete();
        // Returns when the queues are drained or when the host's shutdown deadline passes, whichever comes first:
        // what was not committed was never acknowledged.
        await base.StopAsync(cancellationToken);
        foreach (var session in _sessions)
            await session.DisposeAsync();
    }

    /// <summary>
    /// Commits a batch, retrying through transient failures. A grain moves its live history on before its append
    /// is durable, so once one append of an activation has failed, the later appends of that same activation carry
    /// a customers row that counts the failed rows: they are refused too (the grain reloads from the log and the
    /// caller retries). The customer's appends come through this loop in order, so none can slip past.
    /// </summary>
    private async Task FlushAsync(List<LogAppend> batch, LogWriterSession session)
    {
        var pending = new List<LogAppend>(batch.Count);
        foreach (var append in batch)
        {
            if (session.HasFailed(append))
                append.Completion.TrySetException(new InteractionConflictException(append.Customer.CustomerId));
            else
                pending.Add(append);
        }
        while (pending.Count > 0)
        {
            List<LogAppend> conflicted;
            try
            {
                conflicted = await _retry.ExecuteAsync(_ => new ValueTask<List<LogAppend>>(TryCommitAsync(pending, session)), CancellationToken.None);
            }
            catch (Exception ex) when (!StorageFailures.IsTransient(ex) && pending.Count > 1)
            {
                // A row MySQL refuses must not take the other customers' rows down with it: isolate it.
                _logger.LogWarning(RedactedException.Of(ex), "Interaction log flush refused; retrying {Appends} appends one by one", pending.Count);
                foreach (var append in pending)
                    await FlushAsync([append], session);
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(RedactedException.Of(ex), "Interaction log flush of {Appends} appends failed for good", pending.Count);
                foreach (var append in pending)
                {
                    session.RecordFailure(append, _clock.GetUtcNow());
                    append.Completion.TrySetException(ex);
                }
                return;
            }
            if (conflicted.Count == 0)
            {
                // Durable now: the live feed gets exactly what this commit stored, after it and without waiting.
                _feed.Committed(CommittedInteractions(pending));
                foreach (var append in pending)
                    append.Completion.TrySetResult();
                return;
            }
            foreach (var append in conflicted)
            {
                session.RecordFailure(append, _clock.GetUtcNow());
                append.Completion.TrySetException(new InteractionConflictException(append.Customer.CustomerId));
                pending.Remove(append);
            }
        }
    }

    private static Interaction[] CommittedInteractions(List<LogAppend> committed)
    {
        var interactions = new Interaction[committed.Sum(a => a.Rows.Count)];
        var i = 0;
        foreach (var append in committed)
        {
            foreach (var row in append.Rows)
                interactions[i++] = row.Interaction;
        }
        return interactions;
    }

    private async Task MaintainAsync(LogMaintenance maintenance, LogWriterSession session)
    {
        try
        {
            var result = await _retry.ExecuteAsync(_ => new ValueTask<LogMaintenanceResult>(TryMaintainAsync(maintenance, session)), CancellationToken.None);
            maintenance.Completion.TrySetResult(result);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Log maintenance ({Kind}) of a customer failed", maintenance.PurgeBefore is null ? "erase" : "purge");
            maintenance.Completion.TrySetException(ex);
        }
    }

    private async Task<LogMaintenanceResult> TryMaintainAsync(LogMaintenance maintenance, LogWriterSession session)
    {
        try
        {
            var connection = await session.ConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted);
            var condition = "customer_id = @customer" + (maintenance.PurgeBefore is null ? "" : " AND started_at < @before");
            // What the DELETE will remove, per hour and channel, read with the rows locked; the DELETE must then
            // remove exactly as many, so the rollups lose exactly what the log loses.
            var removed = await RemovedContactsAsync(connection, transaction, condition, maintenance);
            var interactions = await ExecuteAsync(connection, transaction, "DELETE FROM interactions WHERE " + condition, maintenance);
            if (interactions != removed.Sum(r => -r.Contacts))
                throw new InvalidOperationException("The customer's log changed between counting and deleting its rows.");
            var customers = await ExecuteAsync(connection, transaction, "DELETE FROM customers WHERE customer_id = @customer", maintenance);
            if (maintenance.Replacement is { } row)
            {
                var budget = await _limits.StatementBudgetAsync(CancellationToken.None);
                var now = _clock.GetUtcNow().UtcDateTime;
                await session.UpsertCustomers.ExecuteAsync(connection, transaction, [row],
                    (c, p, o) => LogRows.FillCustomer(c, p, o, now), LogRows.CustomerBytes, budget, CancellationToken.None);
            }
            // The grain's snapshot: its row is keyed by the grain's string key (the customer id), see 050_privacy.sql.
            // The next activation then rebuilds from the log alone.
            var snapshots = await ExecuteAsync(connection, transaction,
                "DELETE FROM OrleansStorage WHERE GrainIdExtensionString = @customer", maintenance);
            if (removed.Count > 0)
            {
                var budget = await _limits.StatementBudgetAsync(CancellationToken.None);
                await session.UpsertContactStats.ExecuteAsync(connection, transaction, removed,
                    LogRows.FillContactStats, LogRows.ContactStatsBytes, budget, CancellationToken.None);
            }
            await transaction.CommitAsync();
            return new LogMaintenanceResult(interactions, customers, snapshots);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>The rows matching <paramref name="condition"/> as negative rollup changes, in the table's key order.</summary>
    private static async Task<List<HourlyContacts>> RemovedContactsAsync(MySqlConnector.MySqlConnection connection, MySqlConnector.MySqlTransaction transaction,
        string condition, LogMaintenance maintenance)
    {
        // Hours are formed here, not in SQL, so the truncation is the one the appends use (HourlyContacts.HourOf).
        // FOR UPDATE: the rows counted are locked until COMMIT, the ones the DELETE then removes.
        await using var command = new MySqlConnector.MySqlCommand(
            "SELECT started_at, channel FROM interactions WHERE " + condition + " FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("@customer", maintenance.CustomerId);
        if (maintenance.PurgeBefore is { } before)
            command.Parameters.AddWithValue("@before", before);
        var counts = new Dictionary<(DateTime, Channel), int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                if (!Channels.TryParse(reader.GetString(1), out var channel))
                    throw new InvalidOperationException("An interaction row has an unknown channel.");
                var key = (HourlyContacts.HourOf(reader.GetDateTime(0)), channel);
                counts[key] = counts.GetValueOrDefault(key) - 1;
            }
        }
        return HourlyContacts.Sorted(counts.Select(c => new HourlyContacts(c.Key.Item1, c.Key.Item2, c.Value)));
    }

    private static async Task<int> ExecuteAsync(MySqlConnector.MySqlConnection connection, MySqlConnector.MySqlTransaction transaction, string sql, LogMaintenance maintenance)
    {
        await using var command = new MySqlConnector.MySqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("@customer", maintenance.CustomerId);
        if (maintenance.PurgeBefore is { } before)
            command.Parameters.AddWithValue("@before", before);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>One transaction. Returns the appends that conflict with rows already logged (nothing is committed then).</summary>
    private async Task<List<LogAppend>> TryCommitAsync(List<LogAppend> appends, LogWriterSession session)
    {
        // Two appends of one flush colliding (possible only with a duplicate activation) make the INSERT affect
        // fewer rows, find nothing logged after the rollback, and so fail the flush, which is then retried one
        // append at a time: the second one then conflicts with the first. No per-flush set is kept for it.
        try
        {
            var budget = await _limits.StatementBudgetAsync(CancellationToken.None);
            var connection = await session.ConnectionAsync();
            var now = _clock.GetUtcNow().UtcDateTime;
            var rows = new List<LoggedInteraction>(appends.Sum(a => a.Rows.Count));
            foreach (var append in appends)
                rows.AddRange(append.Rows);
            // Latest version per customer, in key order: concurrent upserts that take row locks in the same
            // order cannot deadlock.
            var customers = appends
                .GroupBy(a => a.Customer.CustomerId, StringComparer.Ordinal)
                .Select(g => g.MaxBy(a => a.Customer.Version)!.Customer)
                .OrderBy(c => c.CustomerId, StringComparer.Ordinal)
                .ToList();

            await using (var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted))
            {
                var inserted = await session.InsertInteractions.ExecuteAsync(connection, transaction, rows,
                    (row, p, o) => LogRows.FillInteraction(row, p, o, now), LogRows.InteractionBytes, budget, CancellationToken.None);
                if (inserted == rows.Count)
                {
                    await session.UpsertCustomers.ExecuteAsync(connection, transaction, customers,
                        (c, p, o) => LogRows.FillCustomer(c, p, o, now), LogRows.CustomerBytes, budget, CancellationToken.None);
                    // Every row was inserted (none was a re-delivery), so the rollups add exactly these rows. Last
                    // before COMMIT: the hot rows (the current hour's) stay locked for as short a time as possible.
                    await session.UpsertContactStats.ExecuteAsync(connection, transaction, HourlyContacts.Of(rows),
                        LogRows.FillContactStats, LogRows.ContactStatsBytes, budget, CancellationToken.None);
                    await transaction.CommitAsync();
                    return [];
                }
                await transaction.RollbackAsync();
            }

            var conflicted = await LogConflicts.FindAsync(connection, appends);
            if (conflicted.Count == 0)
                throw new InvalidOperationException("Inserted fewer interaction rows than sent, yet none conflicts.");
            return conflicted;
        }
        catch
        {
            // Whatever state the session is in, the next flush starts on a new one.
            await session.DisposeAsync();
            throw;
        }
    }
}
