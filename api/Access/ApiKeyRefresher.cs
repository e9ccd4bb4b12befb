using CxActors.Database;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Access;

/// <summary>
/// Reloads the live keys into <see cref="ApiKeyCache"/> every <see cref="AccessOptions.KeyRefreshInterval"/> (5 s: a
/// revocation is refused on every silo within one interval plus a query), and writes the keys' <c>last_used_at</c>
/// behind in one statement per round. Until the first load succeeds it tries every second.
/// </summary>
public sealed class ApiKeyRefresher(ApiKeyCache cache, CxDataSources data, IOptions<AccessOptions> options, ILogger<ApiKeyRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken);
                if (failing)
                    logger.LogInformation("API keys reloaded: {Count} live keys", cache.Count);
                failing = false;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                    logger.LogWarning("API keys could not be reloaded ({Error}); the last loaded set stays in use", ex.GetType().Name);
                failing = true;
            }
            try
            {
                await Task.Delay(cache.Loaded ? options.Value.KeyRefreshInterval : TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        // Last uses of the final seconds, best effort.
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await WriteUsesAsync(timeout.Token);
        }
        catch (Exception)
        {
            // a stop never waits on last_used_at
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await data.Reads.OpenConnectionAsync(cancellationToken))
            cache.Replace(await ApiKeyStore.ListAsync(connection, activeOnly: true, cancellationToken));
        await WriteUsesAsync(cancellationToken);
    }

    private async Task WriteUsesAsync(CancellationToken cancellationToken)
    {
        var uses = cache.TakeUses();
        if (uses.Count == 0)
            return;
        try
        {
            await using var connection = await data.Reads.OpenConnectionAsync(cancellationToken);
            await ApiKeyStore.TouchAsync(connection, uses, cancellationToken);
        }
        catch
        {
            cache.ReturnUses(uses);
            throw;
        }
    }
}

/// <summary>Readiness: a silo that knows no key yet would refuse every caller.</summary>
public sealed class ApiKeysLoadedCheck(ApiKeyCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(cache.Loaded ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("API keys not loaded yet"));
}
