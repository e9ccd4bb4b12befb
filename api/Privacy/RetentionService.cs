using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Privacy;

/// <summary>What one retention batch purged, for the audit and the log (counts only: no customer is named).</summary>
public sealed record RetentionCounts(int Customers, int Interactions, int CustomersEmptied, DateTime Cutoff);

/// <summary>
/// Deletes interactions that started more than <see cref="RetentionOptions.InteractionsDays"/> days ago. One silo at a
/// time (a MySQL named lock held on its own connection for the run; a killed silo's lock goes with its connection).
/// Customers with anything older than the cutoff are found by a keyset walk over <c>customers.first_contact_at</c>
/// (kept exact in the same transaction as the log), a batch at a time, and each is purged by its own grain, so that
/// its live counts, window and customers row stay equal to what remains. Idempotent: a run interrupted at any point
/// leaves every customer either purged or untouched, and the next run simply finds what is still older than the cutoff.
/// </summary>
public sealed class RetentionService(
    IOptions<RetentionOptions> options,
    CxDataSources dataSources,
    IGrainFactory grains,
    PrivacyAudit audit,
    TimeProvider clock,
    ILogger<RetentionService> logger) : BackgroundService
{
    private const string LockName = "cxactors.retention";
    private const int GrainAttempts = 10;
    private readonly RetentionOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.InteractionsDays is not { } days)
            return;
        try
        {
            await Task.Delay(_options.FirstRunAfter, clock, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(TimeSpan.FromDays(days), stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Retention run failed; the next run continues where it stopped");
                }
                await Task.Delay(_options.Interval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>One run, if no other silo is running one. Returns false when the lock was taken elsewhere.</summary>
    public async Task<bool> RunOnceAsync(TimeSpan keep, CancellationToken cancellationToken)
    {
        await using var lockConnection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        await using (var take = new MySqlCommand($"SELECT GET_LOCK('{LockName}', 0)", lockConnection))
        {
            if (Convert.ToInt64(await take.ExecuteScalarAsync(cancellationToken)) != 1)
                return false;
        }
        try
        {
            var cutoff = InteractionIdentity.NormalizeUtc(clock.GetUtcNow().UtcDateTime - keep);
            var after = "";
            while (true)
            {
                var batch = await NextBatchAsync(after, cutoff, cancellationToken);
                if (batch.Count == 0)
                    return true;
                after = batch[^1];
                var results = new PurgeResult[batch.Count];
                await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken },
                    async (i, token) => results[i] = await PurgeAsync(batch[i], cutoff, token));
                var counts = new RetentionCounts(
                    results.Count(r => r.Purged > 0), results.Sum(r => r.Purged), results.Count(r => r.Purged > 0 && r.Remaining == 0), cutoff);
                if (counts.Interactions == 0)
                    continue;
                await audit.RecordAsync(PrivacyAudit.Retention, customerId: null, "retention", counts, cancellationToken);
                logger.LogInformation("Retention purged {Interactions} interactions of {Customers} customers ({Emptied} left with none) older than {Cutoff:o}",
                    counts.Interactions, counts.Customers, counts.CustomersEmptied, cutoff);
            }
        }
        finally
        {
            await using var release = new MySqlCommand($"SELECT RELEASE_LOCK('{LockName}')", lockConnection);
            await release.ExecuteScalarAsync(CancellationToken.None);
        }
    }

    private async Task<List<string>> NextBatchAsync(string after, DateTime cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        await using var select = new MySqlCommand(
            "SELECT customer_id FROM customers WHERE customer_id > @after AND first_contact_at < @cutoff ORDER BY customer_id LIMIT @limit",
            connection);
        select.Parameters.AddWithValue("@after", after);
        select.Parameters.AddWithValue("@cutoff", cutoff);
        select.Parameters.AddWithValue("@limit", _options.CustomersPerBatch);
        var ids = new List<string>(_options.CustomersPerBatch);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            ids.Add(reader.GetString(0));
        return ids;
    }

    private async Task<PurgeResult> PurgeAsync(string customerId, DateTime cutoff, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grains.GetCustomer(customerId).PurgeAsync(cutoff).WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (attempt < GrainAttempts && StorageFailures.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }
}
