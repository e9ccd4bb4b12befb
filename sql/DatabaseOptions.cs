using System.ComponentModel.DataAnnotations;

namespace CxActors.Database;

/// <summary>
/// Where MySQL is and how long any call to it may take. The connection string comes from
/// <c>ConnectionStrings:Cx</c> (environment variable <c>ConnectionStrings__Cx</c>) and nowhere else; the deadlines
/// from the <c>Database</c> section.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>MySqlConnector connection string, bound from <c>ConnectionStrings:Cx</c>.</summary>
    [Required(ErrorMessage = "ConnectionStrings:Cx is not set (environment variable ConnectionStrings__Cx).")]
    public string ConnectionString { get; set; } = "";

    /// <summary>Longest wait for a connection to open (TCP and handshake): a hung server fails fast, not never.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest a single statement may run before it is cancelled (the fleet reports included).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Connections in each pool (the log writer's and the readers').</summary>
    [Range(4, 1000)]
    public int MaxPoolSize { get; set; } = 100;
}
