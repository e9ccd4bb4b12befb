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
/// the common case when an export brings thousands of new customers at once.
/// </summary>
public sealed class LogHeadLookup : BackgroundService
{
    private const int MaxPerQuery = 1000;
    private readonly System.Threading.Channels.Channel<Request> _requests = System.Threading.Channels.Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CxDataSources _dataSources;
    private readonly ILogger<LogHeadLookup> _logger;

    public LogHeadLookup(CxDataSources dataSources, ILogger<LogHeadLookup> logger)
    {
        _dataSources = dataSources;
        _logger = logger;
    }

    /// <summary>The customer's highest logged customer_seq, or 0 when the log holds nothing of it.</summary>
    public async Task<int> GetAsync(string customerId, CancellationToken cancellationToken)
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
                    request.Completion.TrySetResult(heads.GetValueOrDefault(request.CustomerId));
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

    private async Task<Dictionary<string, int>> QueryAsync(List<string> customerIds)
    {
        await using var connection = await _dataSources.Reads.OpenConnectionAsync();
        await using var command = new MySqlCommand { Connection = connection };
        var sql = new StringBuilder("SELECT customer_id, MAX(customer_seq) FROM interactions WHERE customer_id IN (");
        command.CommandText = SqlInList.Append(sql, command.Parameters, customerIds).Append(") GROUP BY customer_id").ToString();
        var heads = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            heads[reader.GetString(0)] = reader.GetInt32(1);
        return heads;
    }

    private sealed class Request(string customerId)
    {
        public string CustomerId { get; } = customerId;
        public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
