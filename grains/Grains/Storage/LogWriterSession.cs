using System.Data;
using System.Threading.Channels;
using MySqlConnector;

namespace CxActors.Storage;

/// <summary>One writer loop's queue, its long-lived connection (no pool reset per flush) and the statements prepared on it.</summary>
internal sealed class LogWriterSession(MySqlDataSource dataSource, InteractionLogOptions options) : IAsyncDisposable
{
    private MySqlConnection? _connection;
    // Activations with a failed append, and when: only this session's loop touches it. Entries are dropped after
    // ten minutes (a failed activation deactivates at once) and the set is bounded.
    private readonly Dictionary<(string Customer, Guid Activation), DateTimeOffset> _failed = [];

    public System.Threading.Channels.Channel<LogWork> Queue { get; } = System.Threading.Channels.Channel.CreateBounded<LogWork>(new BoundedChannelOptions(options.QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    public MultiRowStatement InsertInteractions { get; } = LogRows.InsertInteractions(options.MaxRowsPerStatement);

    public MultiRowStatement UpsertCustomers { get; } = LogRows.UpsertCustomers(options.MaxRowsPerStatement);

    public MultiRowStatement UpsertContactStats { get; } = LogRows.UpsertContactStats(options.MaxRowsPerStatement);

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

    public async Task<MySqlConnection> ConnectionAsync()
    {
        if (_connection is { State: ConnectionState.Open })
            return _connection;
        await DisposeAsync();
        _connection = await dataSource.OpenConnectionAsync();
        return _connection;
    }

    public async ValueTask DisposeAsync()
    {
        InsertInteractions.Dispose();
        UpsertCustomers.Dispose();
        UpsertContactStats.Dispose();
        if (_connection is not null)
        {
            // A session is dropped after a failure: its connection must not go back to the pool as it is.
            await CxActors.Database.StorageFailures.DiscardAsync(_connection);
            await _connection.DisposeAsync();
        }
        _connection = null;
    }
}
