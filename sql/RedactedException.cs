using System.Net.Sockets;
using MySqlConnector;

namespace CxActors.Database;

/// <summary>
/// An exception as it may be logged: its type, a MySQL error's number and state, and its stack trace, but never a
/// message that can quote data. MySQL's own texts quote values ("Duplicate entry 'ana@…' for key …"), and customer ids
/// are e-mail addresses; LGPD keeps them out of every log line. Messages are kept only for types whose texts are ours
/// or the runtime's and hold no data.
/// </summary>
public sealed class RedactedException : Exception
{
    private readonly string? _stackTrace;

    private RedactedException(string message, string? stackTrace, Exception? inner) : base(message, inner) => _stackTrace = stackTrace;

    public override string? StackTrace => _stackTrace;

    /// <summary>What of <paramref name="exception"/> (and its inner exceptions) may be logged.</summary>
    public static Exception Of(Exception exception) => exception switch
    {
        RedactedException => exception,
        _ => new RedactedException(Describe(exception), exception.StackTrace,
            exception.InnerException is { } inner ? Of(inner) : null),
    };

    private static string Describe(Exception ex) => ex switch
    {
        MySqlException mysql => $"{ex.GetType().Name} {mysql.Number} ({mysql.SqlState ?? "-"}, {mysql.ErrorCode})",
        // Our own texts, written without customer data, and the runtime's transport and timing failures.
        CustomerUnavailableException or SchemaDriftException or OperationCanceledException or TimeoutException
            or SocketException or IOException or SiloUnavailableException => $"{ex.GetType().Name}: {ex.Message}",
        _ when ex.GetType().Namespace?.StartsWith("CxActors", StringComparison.Ordinal) == true => $"{ex.GetType().Name}: {ex.Message}",
        _ => ex.GetType().FullName ?? ex.GetType().Name,
    };
}
