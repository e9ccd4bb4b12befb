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
    DateTime LastContactAt,
    Channel LastChannel,
    string LastInteractionId,
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
    private readonly CxStorageOptions _options;
    private readonly string _connectionString;
    private readonly ILogger<InteractionLog> _logger;
    private readonly TimeProvider _clock;
    private readonly WriterSession[] _sessions;

    public InteractionLog(IOptions<CxStorageOptions> options, ILogger<InteractionLog> logger, TimeProvider? clock = null)
    {
        _options = options.Value;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        // Affected rows (not found rows), so that a re-inserted row counts 0 and conflicts are detected.
        _connectionString = new MySqlConnectionStringBuilder(_options.ConnectionString) { UseAffectedRows = true }.ConnectionString;
        _sessions = [.. Enumerable.Range(0, Math.Max(1, _options.Writers)).Select(_ => new WriterSession(_connectionString, _options))];
    }

    /// <summary>
    /// Completes once the rows and the customers row are committed; throws if they could not be.
    /// <paramref name="activation"/> identifies the grain activation that computed them (see <see cref="FlushAsync"/>).
    /// </summary>
    public Task AppendAsync(IReadOnlyList<LoggedInteraction> rows, CustomerRow customer, Guid activation, CancellationToken cancellationToken = default)
    {
        var append = new LogAppend(rows, customer, activation);
        // A customer's appends always go through the same writer loop, in the order they were made.
        var session = _sessions[(int)((uint)StringComparer.Ordinal.GetHashCode(customer.CustomerId) % (uint)_sessions.Length)];
        // The queue almost always has room: no state machine for the common case.
        return session.Queue.Writer.TryWrite(append) ? append.Completion.Task : WaitForRoomAsync(session, append, cancellationToken);
    }

    private static async Task WaitForRoomAsync(WriterSession session, LogAppend append, CancellationToken cancellationToken)
    {
        await session.Queue.Writer.WriteAsync(append, cancellationToken);
        await append.Completion.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Several loops, each on its own connection: MySQL commits one flush while the next is being sent.
        Task.WhenAll(_sessions.Select(WriteLoopAsync));

    private async Task WriteLoopAsync(WriterSession session)
    {
        var batch = new List<LogAppend>();
        // Drain on shutdown: a loop ends only when its queue is completed and empty (see StopAsync).
        var queue = session.Queue.Reader;
        while (await queue.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            var rows = 0;
            while (rows < _options.MaxRowsPerFlush && queue.TryRead(out var append))
            {
                batch.Add(append);
                rows += append.Rows.Count;
            }
            if (batch.Count > 0)
                await FlushAsync(batch, session);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var session in _sessions)
            session.Queue.Writer.TryComplete();
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
    private async Task FlushAsync(List<LogAppend> batch, WriterSession session)
    {
        var pending = new List<LogAppend>(batch.Count);
        foreach (var append in batch)
        {
            if (session.HasFailed(append))
                append.Completion.TrySetException(new InteractionConflictException(append.Customer.CustomerId));
            else
                pending.Add(append);
        }
        var started = _clock.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(50);
        while (pending.Count > 0)
        {
            try
            {
                var conflicted = await TryCommitAsync(pending, session);
                if (conflicted.Count == 0)
                {
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
                    await FlushAsync([append], session);
                return;
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Interaction log flush of {Appends} appends failed for good", pending.Count);
                foreach (var append in pending)
                {
                    session.RecordFailure(append, _clock.GetUtcNow());
                    append.Completion.TrySetException(ex);
                }
                return;
            }
        }
    }

    /// <summary>One transaction. Returns the appends that conflict with rows already logged (nothing is committed then).</summary>
    private async Task<List<LogAppend>> TryCommitAsync(List<LogAppend> appends, WriterSession session)
    {
        // Two appends of one flush colliding (possible only with a duplicate activation) make the INSERT affect
        // fewer rows, find nothing logged after the rollback, and so fail the flush, which is then retried one
        // append at a time: the second one then conflicts with the first. No per-flush set is kept for it.
        var connection = await session.ConnectionAsync();
        try
        {
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

            await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted))
            {
                var inserted = await session.InsertInteractions.ExecuteAsync(connection, transaction, rows, (row, p, o) => FillInteraction(row, p, o, now), CancellationToken.None);
                if (inserted == rows.Count)
                {
                    await session.UpsertCustomers.ExecuteAsync(connection, transaction, customers, (c, p, o) => FillCustomer(c, p, o, now), CancellationToken.None);
                    await transaction.CommitAsync();
                    return [];
                }
                await transaction.RollbackAsync();
            }

            var conflicted = await FindConflictsWithLogAsync(connection, appends);
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

    private static void FillInteraction(LoggedInteraction row, MySqlParameterCollection p, int o, DateTime now)
    {
        var i = row.Interaction;
        Set(p, o, i.CustomerId); Set(p, o + 1, row.Seq); Set(p, o + 2, i.Id); Set(p, o + 3, i.SourceId); Set(p, o + 4, i.Channel.ToCode());
        Set(p, o + 5, i.StartedAt); Set(p, o + 6, i.EndedAt); Set(p, o + 7, i.Agent); Set(p, o + 8, i.Status); Set(p, o + 9, i.Queue);
        Set(p, o + 10, i.Classification); Set(p, o + 11, i.SubClassification); Set(p, o + 12, i.FeedbackScore); Set(p, o + 13, i.FeedbackComment);
        Set(p, o + 14, i.WaitSeconds); Set(p, o + 15, i.HandleSeconds); Set(p, o + 16, i.Source); Set(p, o + 17, i.SourceDetail); Set(p, o + 18, now);
    }

    private static void FillCustomer(CustomerRow c, MySqlParameterCollection p, int o, DateTime now)
    {
        Set(p, o, c.CustomerId); Set(p, o + 1, c.CustomerId); Set(p, o + 2, c.Name); Set(p, o + 3, c.Phones); Set(p, o + 4, c.FirstContactAt);
        Set(p, o + 5, c.LastContactAt); Set(p, o + 6, c.LastChannel.ToCode()); Set(p, o + 7, c.LastInteractionId);
        Set(p, o + 8, c.TotalContacts); Set(p, o + 9, c.ChannelCounts[0]); Set(p, o + 10, c.ChannelCounts[1]); Set(p, o + 11, c.ChannelCounts[2]);
        Set(p, o + 12, c.ChannelCounts[3]); Set(p, o + 13, c.Version); Set(p, o + 14, now);
    }

    private static void Set(MySqlParameterCollection parameters, int index, object? value) =>
        parameters[index].Value = value ?? DBNull.Value;

    // Parameter values are objects: small counts and positions are boxed once for the process, not once per row.
    private static readonly object[] SmallInts = [.. Enumerable.Range(0, 4096).Select(n => (object)n)];

    private static void Set(MySqlParameterCollection parameters, int index, int value) =>
        parameters[index].Value = (uint)value < (uint)SmallInts.Length ? SmallInts[value] : value;

    private static void Set(MySqlParameterCollection parameters, int index, int? value)
    {
        if (value is { } n)
            Set(parameters, index, n);
        else
            parameters[index].Value = DBNull.Value;
    }

    /// <summary>Only a newer version replaces a customers row. version is assigned last: MySQL evaluates the
    /// assignments in order and the IF()s must compare with the old version.</summary>
    private static string CustomersUpsertTail()
    {
        var sql = new StringBuilder(" ON DUPLICATE KEY UPDATE ");
        foreach (var column in new[] { "email", "name", "phones", "first_contact_at", "last_contact_at", "last_channel", "last_interaction_id", "total_contacts", "phone_contacts", "chat_contacts", "whatsapp_contacts", "email_contacts", "updated_at" })
            sql.Append(column).Append(" = IF(VALUES(version) > version, VALUES(").Append(column).Append("), ").Append(column).Append("), ");
        return sql.Append("version = GREATEST(version, VALUES(version))").ToString();
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

    private sealed class LogAppend(IReadOnlyList<LoggedInteraction> rows, CustomerRow customer, Guid activation)
    {
        public IReadOnlyList<LoggedInteraction> Rows { get; } = rows;
        public CustomerRow Customer { get; } = customer;
        public Guid Activation { get; } = activation;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
    /// <summary>One writer loop's long-lived connection (no pool reset per flush) and the statements prepared on it.</summary>
    private sealed class WriterSession(string connectionString, CxStorageOptions options) : IAsyncDisposable
    {
        private MySqlConnection? _connection;
        // Activations with a failed append, and when: only this session's loop touches it. Entries are dropped after
        // ten minutes (a failed activation deactivates at once) and the set is bounded.
        private readonly Dictionary<(string Customer, Guid Activation), DateTimeOffset> _failed = [];

        public System.Threading.Channels.Channel<LogAppend> Queue { get; } =
            System.Threading.Channels.Channel.CreateBounded<LogAppend>(new BoundedChannelOptions(options.QueueCapacity)
            {
                SingleReader = true,
                FullMode = BoundedChannelFullMode.Wait,
            });

        public bool HasFailed(LogAppend append) =>
            _failed.Count > 0 && _failed.ContainsKey((append.Customer.CustomerId, append.Activation));

        public void RecordFailure(LogAppend append, DateTimeOffset now)
        {
            if (_failed.Count >= 100_000)
            {
                foreach (var old in _failed.Where(f => now - f.Value > TimeSpan.FromMinutes(10)).Select(f => f.Key).ToList())
                    _failed.Remove(old);
                if (_failed.Count >= 100_000)
                    _failed.Clear();
            }
            _failed[(append.Customer.CustomerId, append.Activation)] = now;
        }

        public MultiRowStatement InsertInteractions { get; } = new(
            "INSERT INTO interactions (customer_id, customer_seq, interaction_id, source_id, channel, started_at, ended_at, agent, status, queue, classification, sub_classification, feedback_score, feedback_comment, wait_seconds, handle_seconds, source, source_detail, ingested_at) VALUES ",
            // A row already logged with the same id or position is left as it is and counts 0 affected rows.
            " ON DUPLICATE KEY UPDATE interaction_id = interaction_id",
            [
                MySqlDbType.VarChar, MySqlDbType.Int32, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.VarChar,
                MySqlDbType.DateTime, MySqlDbType.DateTime, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.VarChar,
                MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.Int32, MySqlDbType.Text, MySqlDbType.Int32,
                MySqlDbType.Int32, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.DateTime,
            ],
            options.MaxRowsPerStatement);

        public MultiRowStatement UpsertCustomers { get; } = new(
            "INSERT INTO customers (customer_id, email, name, phones, first_contact_at, last_contact_at, last_channel, last_interaction_id, total_contacts, phone_contacts, chat_contacts, whatsapp_contacts, email_contacts, version, updated_at) VALUES ",
            CustomersUpsertTail(),
            [
                MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.DateTime,
                MySqlDbType.DateTime, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.Int32, MySqlDbType.Int32,
                MySqlDbType.Int32, MySqlDbType.Int32, MySqlDbType.Int32, MySqlDbType.Int32, MySqlDbType.DateTime,
            ],
            options.MaxRowsPerStatement);

        public async Task<MySqlConnection> ConnectionAsync()
        {
            if (_connection is { State: ConnectionState.Open })
                return _connection;
            await DisposeAsync();
            var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync();
            _connection = connection;
            return connection;
        }

        public async ValueTask DisposeAsync()
        {
            InsertInteractions.Dispose();
            UpsertCustomers.Dispose();
            if (_connection is not null)
                await _connection.DisposeAsync();
            _connection = null;
        }
    }
}

public sealed class CxStorageOptions
{
    public const string Section = "Storage";

    /// <summary>MySqlConnector connection string (from ConnectionStrings:Cx unless set here).</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>Writer loops, each with its own connection: one commits while another sends.</summary>
    public int Writers { get; set; } = 2;

    /// <summary>Rows gathered into one flush (one transaction).</summary>
    public int MaxRowsPerFlush { get; set; } = 4000;

    /// <summary>Rows in one multi-row INSERT statement.</summary>
    public int MaxRowsPerStatement { get; set; } = 512;

    /// <summary>Appends waiting for each writer loop before callers are slowed down (back-pressure).</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>How long a flush keeps retrying through a MySQL outage before its callers get an error.</summary>
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(10);
}
