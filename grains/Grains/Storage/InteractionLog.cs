using System.Data;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace CxActors.Storage;

/// <summary>An interaction with its position in its customer's log.</summary>
public readonly record struct LoggedInteraction(int Seq, Interaction Interaction);

/// <summary>The <c>customers</c> row as the grain sees it after a change; <see cref="Version"/> is its log position.</summary>
public sealed record CustomerRow(
    string CustomerId,
    string? Name,
    string? Phones,
    DateTime FirstContactAt,
    Interaction LastInteraction,
    int TotalContacts,
    int[] ChannelCounts,
    int Version);

/// <summary>The rows were rolled back because some were already in the log (a re-delivery the grain did not see).</summary>
public sealed class InteractionConflictException(string customerId)
    : Exception($"Some interactions of customer '{customerId}' were already recorded; the customer's history must be reloaded.");

/// <summary>
/// The commit point of every accepted interaction. Grains hand their new rows (and their updated customers
/// row) to this per-silo writer; one loop packs whatever is queued into multi-row statements, inserts the
/// interactions and upserts the customers in one READ COMMITTED transaction, and completes each caller only
/// after COMMIT. Under load the queue fills while a flush runs, so batches grow by themselves (group commit)
/// without any added latency when the service is quiet.
/// </summary>
public sealed class InteractionLog : BackgroundService
{
    private const int InteractionColumns = 19;
    private const int CustomerColumns = 15;

    private readonly System.Threading.Channels.Channel<LogAppend> _queue;
    private readonly CxStorageOptions _options;
    private readonly string _connectionString;
    private readonly ILogger<InteractionLog> _logger;
    private readonly TimeProvider _clock;

    public InteractionLog(IOptions<CxStorageOptions> options, ILogger<InteractionLog> logger, TimeProvider? clock = null)
    {
        _options = options.Value;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        // Affected rows (not found rows), so that a re-inserted row counts 0 and conflicts are detected.
        _connectionString = new MySqlConnectionStringBuilder(_options.ConnectionString) { UseAffectedRows = true }.ConnectionString;
        _queue = System.Threading.Channels.Channel.CreateBounded<LogAppend>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Completes once the rows and the customers row are committed; throws if they could not be.</summary>
    public async Task AppendAsync(IReadOnlyList<LoggedInteraction> rows, CustomerRow customer, CancellationToken cancellationToken = default)
    {
        var append = new LogAppend(rows, customer);
        await _queue.Writer.WriteAsync(append, cancellationToken);
        await append.Completion.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<LogAppend>();
        // Drain on shutdown: the loop ends only when the queue is completed and empty (see StopAsync).
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            var rows = 0;
            while (rows < _options.MaxRowsPerFlush && _queue.Reader.TryRead(out var append))
            {
                batch.Add(append);
                rows += append.Rows.Count;
            }
            await FlushAsync(batch);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task FlushAsync(List<LogAppend> batch)
    {
        var pending = new List<LogAppend>(batch);
        var started = _clock.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(50);
        while (pending.Count > 0)
        {
            try
            {
                var conflicted = await TryCommitAsync(pending);
                if (conflicted.Count == 0)
                {
                    foreach (var append in pending)
                        append.Completion.TrySetResult();
                    return;
                }
                foreach (var append in conflicted)
                {
                    append.Completion.TrySetException(new InteractionConflictException(append.Customer.CustomerId));
                    pending.Remove(append);
                }
            }
            catch (Exception ex) when (IsTransient(ex) && _clock.GetElapsedTime(started) < _options.RetryBudget)
            {
                _logger.LogWarning(ex, "Interaction log flush of {Appends} appends failed; retrying in {Delay}", pending.Count, delay);
                await Task.Delay(delay, _clock);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
            }
            catch (Exception ex) when (!IsTransient(ex) && pending.Count > 1)
            {
                // A row MySQL refuses must not take the other customers' rows down with it: isolate it.
                _logger.LogWarning(ex, "Interaction log flush refused; retrying {Appends} appends one by one", pending.Count);
                foreach (var append in pending)
                    await FlushAsync([append]);
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Interaction log flush of {Appends} appends failed for good", pending.Count);
                foreach (var append in pending)
                    append.Completion.TrySetException(ex);
                return;
            }
        }
    }

    /// <summary>One transaction. Returns the appends that conflict with rows already logged (nothing is committed then).</summary>
    private async Task<List<LogAppend>> TryCommitAsync(List<LogAppend> appends)
    {
        await using var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync();

        var inBatchConflicts = FindConflictsWithinBatch(appends);
        if (inBatchConflicts.Count > 0)
            return inBatchConflicts;

        var now = _clock.GetUtcNow().UtcDateTime;
        await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted))
        {
            var expected = 0;
            var inserted = 0;
            foreach (var chunk in Chunk(appends, _options.MaxRowsPerStatement))
            {
                expected += chunk.Sum(a => a.Rows.Count);
                inserted += await InsertInteractionsAsync(connection, transaction, chunk, now);
            }
            if (inserted == expected)
            {
                await UpsertCustomersAsync(connection, transaction, appends, now);
                await transaction.CommitAsync();
                return [];
            }
            await transaction.RollbackAsync();
        }

        var conflicted = await FindConflictsWithLogAsync(connection, appends);
        if (conflicted.Count == 0)
            throw new InvalidOperationException($"Inserted fewer interaction rows than sent, yet none conflicts.");
        return conflicted;
    }

    private static List<LogAppend> FindConflictsWithinBatch(List<LogAppend> appends)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var positions = new HashSet<(string, int)>();
        var conflicted = new List<LogAppend>();
        foreach (var append in appends)
        {
            if (append.Rows.Any(r => !ids.Add(r.Interaction.Id) || !positions.Add((r.Interaction.CustomerId, r.Seq))))
                conflicted.Add(append);
        }
        return conflicted;
    }

    private static async Task<List<LogAppend>> FindConflictsWithLogAsync(MySqlConnection connection, List<LogAppend> appends)
    {
        var loggedIds = new HashSet<string>(StringComparer.Ordinal);
        var takenPositions = new HashSet<(string, int)>();
        foreach (var chunk in Chunk(appends, 1000))
        {
            var rows = chunk.SelectMany(a => a.Rows).ToList();
            var sql = new StringBuilder("SELECT interaction_id, customer_id, customer_seq FROM interactions WHERE interaction_id IN (");
            AppendPlaceholders(sql, rows.Count, 1);
            sql.Append(") OR (customer_id, customer_seq) IN (");
            AppendPlaceholders(sql, rows.Count, 2);
            sql.Append(')');
            await using var command = new MySqlCommand(sql.ToString(), connection);
            foreach (var row in rows)
                Add(command.Parameters, row.Interaction.Id);
            foreach (var row in rows)
            {
                Add(command.Parameters, row.Interaction.CustomerId);
                Add(command.Parameters, row.Seq);
            }
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                loggedIds.Add(reader.GetString(0));
                takenPositions.Add((reader.GetString(1), reader.GetInt32(2)));
            }
        }
        // A logged id, or a position already holding a row: either way the grain's view was stale.
        return appends
            .Where(a => a.Rows.Any(r => loggedIds.Contains(r.Interaction.Id) || takenPositions.Contains((r.Interaction.CustomerId, r.Seq))))
            .ToList();
    }

    private static async Task<int> InsertInteractionsAsync(MySqlConnection connection, MySqlTransaction transaction, List<LogAppend> appends, DateTime now)
    {
        var rowCount = appends.Sum(a => a.Rows.Count);
        if (rowCount == 0)
            return 0;
        var sql = new StringBuilder(200 + rowCount * (InteractionColumns * 2 + 4));
        sql.Append("INSERT INTO interactions (customer_id, customer_seq, interaction_id, source_id, channel, started_at, ended_at, agent, status, queue, classification, sub_classification, feedback_score, feedback_comment, wait_seconds, handle_seconds, source, source_detail, ingested_at) VALUES ");
        AppendPlaceholders(sql, rowCount, InteractionColumns);
        // A row already logged with the same id or position is left as it is and counts 0 affected rows.
        sql.Append(" ON DUPLICATE KEY UPDATE interaction_id = interaction_id");

        await using var command = new MySqlCommand(sql.ToString(), connection, transaction);
        var p = command.Parameters;
        foreach (var append in appends)
        {
            foreach (var (seq, i) in append.Rows)
            {
                Add(p, i.CustomerId); Add(p, seq); Add(p, i.Id); Add(p, i.SourceId); Add(p, i.Channel.ToCode());
                Add(p, i.StartedAt); Add(p, i.EndedAt); Add(p, i.Agent); Add(p, i.Status); Add(p, i.Queue);
                Add(p, i.Classification); Add(p, i.SubClassification); Add(p, i.FeedbackScore); Add(p, i.FeedbackComment);
                Add(p, i.WaitSeconds); Add(p, i.HandleSeconds); Add(p, i.Source); Add(p, i.SourceDetail); Add(p, now);
            }
        }
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task UpsertCustomersAsync(MySqlConnection connection, MySqlTransaction transaction, List<LogAppend> appends, DateTime now)
    {
        // Latest version per customer, in key order: concurrent upserts that take row locks in the same
        // order cannot deadlock.
        var rows = appends
            .GroupBy(a => a.Customer.CustomerId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(a => a.Customer.Version)!.Customer)
            .OrderBy(c => c.CustomerId, StringComparer.Ordinal)
            .ToList();
        foreach (var chunk in rows.Chunk(1000))
        {
            var sql = new StringBuilder(600 + chunk.Length * (CustomerColumns * 2 + 4));
            sql.Append("INSERT INTO customers (customer_id, email, name, phones, first_contact_at, last_contact_at, last_channel, last_interaction_id, total_contacts, phone_contacts, chat_contacts, whatsapp_contacts, email_contacts, version, updated_at) VALUES ");
            AppendPlaceholders(sql, chunk.Length, CustomerColumns);
            // Only a newer version replaces the row; version itself is assigned last because MySQL evaluates
            // the assignments in order and the IF()s must compare with the old version.
            sql.Append(" ON DUPLICATE KEY UPDATE ");
            foreach (var column in new[] { "email", "name", "phones", "first_contact_at", "last_contact_at", "last_channel", "last_interaction_id", "total_contacts", "phone_contacts", "chat_contacts", "whatsapp_contacts", "email_contacts", "updated_at" })
                sql.Append(column).Append(" = IF(VALUES(version) > version, VALUES(").Append(column).Append("), ").Append(column).Append("), ");
            sql.Append("version = GREATEST(version, VALUES(version))");

            await using var command = new MySqlCommand(sql.ToString(), connection, transaction);
            var p = command.Parameters;
            foreach (var c in chunk)
            {
                Add(p, c.CustomerId); Add(p, c.CustomerId); Add(p, c.Name); Add(p, c.Phones); Add(p, c.FirstContactAt);
                Add(p, c.LastInteraction.StartedAt); Add(p, c.LastInteraction.Channel.ToCode()); Add(p, c.LastInteraction.Id);
                Add(p, c.TotalContacts); Add(p, c.ChannelCounts[0]); Add(p, c.ChannelCounts[1]); Add(p, c.ChannelCounts[2]);
                Add(p, c.ChannelCounts[3]); Add(p, c.Version); Add(p, now);
            }
            await command.ExecuteNonQueryAsync();
        }
    }

    private static void Add(MySqlParameterCollection parameters, object? value) =>
        parameters.Add(new MySqlParameter { Value = value ?? DBNull.Value });

    private static void AppendPlaceholders(StringBuilder sql, int rows, int columns)
    {
        for (var r = 0; r < rows; r++)
        {
            if (r > 0)
                sql.Append(',');
            sql.Append('(');
            for (var c = 0; c < columns; c++)
                sql.Append(c == 0 ? "?" : ",?");
            sql.Append(')');
        }
    }

    private static IEnumerable<List<LogAppend>> Chunk(List<LogAppend> appends, int maxRows)
    {
        var chunk = new List<LogAppend>();
        var rows = 0;
        foreach (var append in appends)
        {
            if (rows > 0 && rows + append.Rows.Count > maxRows)
            {
                yield return chunk;
                chunk = [];
                rows = 0;
            }
            chunk.Add(append);
            rows += append.Rows.Count;
        }
        if (chunk.Count > 0)
            yield return chunk;
    }

    /// <summary>Worth retrying: the server or the network, not the data.</summary>
    internal static bool IsTransient(Exception ex) => ex switch
    {
        MySqlException { IsTransient: true } => true,
        MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout } => true,
        MySqlException { Number: 0 } => true, // a client-side failure (connection lost) rather than a server verdict
        MySqlException => false,
        IOException or SocketException or TimeoutException or MySqlEndOfStreamException => true,
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    private sealed class LogAppend(IReadOnlyList<LoggedInteraction> rows, CustomerRow customer)
    {
        public IReadOnlyList<LoggedInteraction> Rows { get; } = rows;
        public CustomerRow Customer { get; } = customer;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

public sealed class CxStorageOptions
{
    public const string Section = "Storage";

    /// <summary>MySqlConnector connection string (from ConnectionStrings:Cx unless set here).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Rows gathered into one flush (one transaction).</summary>
    public int MaxRowsPerFlush { get; set; } = 4000;

    /// <summary>Rows in one multi-row INSERT statement.</summary>
    public int MaxRowsPerStatement { get; set; } = 1000;

    /// <summary>Appends waiting for the writer before callers are slowed down (back-pressure).</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>How long a flush keeps retrying through a MySQL outage before its callers get an error.</summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(10);
}
