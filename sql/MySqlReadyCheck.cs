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
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        try
        {
            await using var connection = await dataSources.Reads.OpenConnectionAsync(deadline.Token);
            await using var ping = new MySqlCommand("SELECT 1", connection) { CommandTimeout = (int)Deadline.TotalSeconds };
            await ping.ExecuteScalarAsync(deadline.Token);
            return HealthCheckResult.Healthy("mysql answers");
        }
        catch (Exception ex) when (ex is OperationCanceledException || StorageFailures.IsTransient(ex) || ex is MySqlException)
        {
            return HealthCheckResult.Unhealthy("mysql does not answer");
        }
    }
}
