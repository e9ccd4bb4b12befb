using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using CxActors.Database;
using MySqlConnector;

namespace CxActors.Storage;

/// <summary>
/// Tells an activating grain whether its customer has anything in the log at all, asking MySQL once for all the
/// grains activating at the same moment. A customer with no log rows has no snapshot either (snapshots are written
/// only after an append commits), so a brand-new customer activates without a single query of its own; that is
/// the common case when an export brings thousands of new customers at once. The same round trip tells each one
/// whether its customer was erased (LGPD) and when, so that it refuses records started before.
/// </summary>
public sealed class LogHeadLookup : BackgroundService
{
    private const int MaxPerQuery = 1000;
    private readonly System.Threading.Channels.Channel<Request> _requests = System.Threading.Channels.Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CxDataSources _dataSources;
    private readonly CustomerHasher _hasher;
    private readonly ILogger<LogHeadLookup> _logger;

    public LogHeadLookup(CxDataSources dataSources, CustomerHasher hasher, ILogger<LogHeadLookup> logger)
    {
        _dataSources = dataSources;
        _hasher = hasher;
        _logger = logger;
    }

    /// <summary>The customer's highest logged customer_seq (0 when the log holds nothing of it) and its erasure time, if erased.</summary>
    public async Task<LogHead> GetAsync(string customerId, CancellationToken cancellationToken)
    {
        var request = new Request(customerId);
        await _requests.Writer.WriteAsync(request, cancellationToken);
        return await request.Completion.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Request>(MaxPerQuery);
        while (await _requests.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < MaxPerQuery && _requests.Reader.TryRead(out var request))
                batch.Add(request);
            try
            {
                var heads = await QueryAsync(batch.Select(r => r.CustomerId).Distinct(StringComparer.Ordinal).ToList());
                foreach (var request in batch)
                    request.Completion.TrySetResult(heads.GetValueOrDefault(request.CustomerId, LogHead.Empty));
            }
            catch (Exception ex)
            {
                _logger.LogWarning(RedactedException.Of(ex), "Log head lookup of {Count} customers failed", batch.Count);
                foreach (var request in batch)
                    request.Completion.TrySetException(ex);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _requests.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    private async Task<Dictionary<string, LogHead>> QueryAsync(List<string> customerIds)
    {
        await using var connection = await _dataSources.Reads.OpenConnectionAsync();
        await using var command = new MySqlCommand { Connection = connection };
        // Two statements, one round trip: the log heads, then the tombstones of the same customers.
        var hashes = customerIds.ToDictionary(id => CustomerHasher.Hex(_hasher.Customer(id)), id => id, StringComparer.Ordinal);
        var sql = new StringBuilder("SELECT customer_id, MAX(customer_seq) FROM interactions WHERE customer_id IN (");
        SqlInList.Append(sql, command.Parameters, customerIds).Append(") GROUP BY customer_id; ");
        sql.Append("SELECT subject_hash, erased_at FROM customer_tombstones WHERE subject_hash IN (");
        command.CommandText = SqlInList.Append(sql, command.Parameters, customerIds.Select(_hasher.Customer)).Append(')').ToString();
        var heads = new Dictionary<string, LogHead>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            heads[reader.GetString(0)] = new LogHead(reader.GetInt32(1), null);
        await reader.NextResultAsync();
        while (await reader.ReadAsync())
        {
            var id = hashes[CustomerHasher.Hex((byte[])reader.GetValue(0))];
            var erasedAt = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
            heads[id] = heads.GetValueOrDefault(id, LogHead.Empty) with { ErasedAt = erasedAt };
        }
        return heads;
    }

    private sealed class Request(string customerId)
    {
        public string CustomerId { get; } = customerId;
        public TaskCompletionSource<LogHead> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>A customer's highest logged customer_seq (0: nothing logged) and, when it was erased, when.</summary>
public readonly record struct LogHead(int Head, DateTime? ErasedAt)
{
    public static LogHead Empty => new(0, null);
}
