using CxActors.Storage;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace CxActors.Silo;

public static class HealthEndpoints
{
    /// <summary>GET /health: 200 once the silo serves and MySQL answers, 503 otherwise.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", async (IOptions<CxStorageOptions> storage, IHostApplicationLifetime lifetime, CancellationToken cancellationToken) =>
        {
            if (!lifetime.ApplicationStarted.IsCancellationRequested)
                return Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(2));
                var cs = new MySqlConnectionStringBuilder(storage.Value.ConnectionString) { ConnectionTimeout = 2 };
                await using var connection = new MySqlConnection(cs.ConnectionString);
                await connection.OpenAsync(timeout.Token);
                await using var ping = new MySqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(timeout.Token);
                return Results.Json(new { status = "ok" });
            }
            catch (Exception ex) when (ex is MySqlException or OperationCanceledException or InvalidOperationException or IOException)
            {
                return Results.Json(new { status = "mysql unreachable", error = ex.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }
}
