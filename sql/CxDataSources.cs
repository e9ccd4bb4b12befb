using Microsoft.Extensions.Options;
using MySqlConnector;

namespace CxActors.Database;

/// <summary>
/// The service's MySQL pools, one per purpose, built once from <see cref="DatabaseOptions"/>: the interaction log
/// writer's (affected-rows counting, so re-inserted rows are seen), the readers' (grains, ingest, GraphQL, health)
/// and the connection string handed to Orleans' own ADO.NET providers. Pool names show in MySqlConnector's metrics.
/// </summary>
public sealed class CxDataSources : IAsyncDisposable
{
    public const string LogPoolName = "cx-log";
    public const string ReadsPoolName = "cx-reads";
    public const string OrleansPoolName = "cx-orleans";

    public CxDataSources(IOptions<DatabaseOptions> options)
    {
        var o = options.Value;
        Log = Build(o, LogPoolName, useAffectedRows: true);
        Reads = Build(o, ReadsPoolName, useAffectedRows: false);
        OrleansConnectionString = Configure(o, OrleansPoolName, useAffectedRows: false).ConnectionString;
        CommandTimeout = o.CommandTimeout;
    }

    /// <summary>The interaction log writer's pool.</summary>
    public MySqlDataSource Log { get; }

    /// <summary>Every other reader and writer of the reporting tables.</summary>
    public MySqlDataSource Reads { get; }

    /// <summary>For Orleans' membership and grain-state providers, which take a string.</summary>
    public string OrleansConnectionString { get; }

    /// <summary>The deadline of one statement; callers that add their own token keep within it.</summary>
    public TimeSpan CommandTimeout { get; }

    private static MySqlDataSource Build(DatabaseOptions options, string name, bool useAffectedRows) =>
        new MySqlDataSourceBuilder(Configure(options, name, useAffectedRows).ConnectionString).UseName(name).Build();

    /// <summary>
    /// Deadlines on every call: a connection that cannot open within ConnectTimeout and a statement that does not
    /// finish within CommandTimeout fail (and a cancelled statement's socket is closed after 2 s more), so a hung
    /// server turns into errors, never into requests that wait for ever.
    /// </summary>
    public static MySqlConnectionStringBuilder Configure(DatabaseOptions options, string applicationName, bool useAffectedRows)
    {
        var builder = new MySqlConnectionStringBuilder(options.ConnectionString)
        {
            ConnectionTimeout = (uint)Math.Ceiling(options.ConnectTimeout.TotalSeconds),
            DefaultCommandTimeout = (uint)Math.Ceiling(options.CommandTimeout.TotalSeconds),
            CancellationTimeout = 2,
            MaximumPoolSize = (uint)options.MaxPoolSize,
            ApplicationName = applicationName,
            UseAffectedRows = useAffectedRows,
        };
        // MySqlConnector resets a pooled connection's session on every reuse, one server round trip per open. Nothing
        // here leaves session state behind (isolation levels are set per transaction), so pooled connections are
        // reused as they are, unless the configured string says otherwise. A connection that failed is not reused:
        // see StorageFailures.DiscardAsync.
        if (!options.ConnectionString.Contains("ConnectionReset", StringComparison.OrdinalIgnoreCase)
            && !options.ConnectionString.Contains("Connection Reset", StringComparison.OrdinalIgnoreCase))
            builder.ConnectionReset = false;
        return builder;
    }

    public async ValueTask DisposeAsync()
    {
        await Log.DisposeAsync();
        await Reads.DisposeAsync();
    }
}
