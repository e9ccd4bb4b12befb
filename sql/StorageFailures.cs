using System.Net.Sockets;
using MySqlConnector;

namespace CxActors.Database;

/// <summary>
/// The one place that tells a storage outage (answer 503, retry later) from a verdict on the data (never retried,
/// answered as a rejection or a 4xx) and from a bug (500).
/// </summary>
public static class StorageFailures
{
    /// <summary>Worth retrying: the server or the network, not the data.</summary>
    public static bool IsTransient(Exception ex) => ex switch
    {
        MySqlException { IsTransient: true } => true,
        MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost or MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout } => true,
        MySqlException { ErrorCode: MySqlErrorCode.CommandTimeoutExpired or MySqlErrorCode.QueryInterrupted } => true,
        MySqlException { Number: 0 } => true, // a client-side failure (connection lost) rather than a server verdict
        MySqlException => false,
        IOException or SocketException or TimeoutException or MySqlEndOfStreamException => true,
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        AggregateException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    /// <summary>
    /// Storage or a customer's grain is unavailable now: the client should re-send later (re-delivery is safe).
    /// Deadlines (a hung server) count, and so do Orleans' own timeouts and a silo that left the cluster.
    /// </summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        CustomerUnavailableException or SiloUnavailableException => true,
        MySqlException => true,
        AggregateException { InnerException: { } inner } => IsUnavailable(inner),
        OrleansMessageRejectionException => true,
        _ => IsTransient(ex),
    };

    /// <summary>
    /// A connection that failed in the middle of a statement may have been closed by the server (a packet over
    /// max_allowed_packet, a killed session). With pool resets off, it would be handed out again as it is: clear the
    /// idle connections of its pool so that the next request opens fresh ones.
    /// </summary>
    public static async ValueTask DiscardAsync(MySqlConnection connection)
    {
        try
        {
            await MySqlConnection.ClearPoolAsync(connection);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            // Clearing is best effort; the pool drops broken connections on their next failure anyway.
        }
    }
}
