using Microsoft.Extensions.Diagnostics.HealthChecks;
using MySqlConnector;

namespace CxActors.Database;

/// <summary>
/// Ready when the schema is applied and MySQL answers a ping within 2 s. The result carries no exception text:
/// the health endpoints are public.
/// </summary>
public sealed class MySqlReadyCheck(CxDataSources dataSources, SchemaStatus schema) : IHealthCheck
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!schema.IsApplied)
            return HealthCheckResult.Unhealthy("schema not applied yet");
        // The probe's answer never waits for the driver's own cancellation (which, against a hung server, needs a
        // round trip of its own): past the deadline the ping is abandoned and ends by itself.
        var ping = PingAsync(cancellationToken);
        try
        {
            await ping.WaitAsync(Deadline, cancellationToken);
            return HealthCheckResult.Healthy("mysql answers");
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException || StorageFailures.IsTransient(ex) || ex is MySqlException)
        {
            _ = ping.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observed, whatever it ends with
            return HealthCheckResult.Unhealthy("mysql does not answer");
        }
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        await using var ping = new MySqlCommand("SELECT 1", connection) { CommandTimeout = (int)Deadline.TotalSeconds };
        await ping.ExecuteScalarAsync(cancellationToken);
    }
}
