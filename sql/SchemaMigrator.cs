using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace CxActors.Database;

/// <summary>
/// Applies the embedded <c>sql/*.sql</c> scripts in name order, each once per database, recorded in
/// <c>schema_version</c> with its SHA-256. A MySQL named lock serialises silos that start together. A script
/// interrupted half-way is applied again from the start, so scripts are written to be re-runnable (CREATE ... IF NOT
/// EXISTS; an ALTER that already happened is recognised by its error and skipped). An applied script whose text has
/// changed since stops the start: an edit would never reach the databases that already ran it.
/// </summary>
public static class SchemaMigrator
{
    private const string LockName = "cxactors.schema";

    // Errors a statement of an interrupted script gives when it already ran: duplicate column, duplicate key name,
    // can't drop a column or key that is already gone.
    private static readonly HashSet<int> AlreadyAppliedErrors = [1060, 1061, 1091];

    public static async Task ApplyAsync(string connectionString, ILogger? logger, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString) { AllowUserVariables = true, ConnectionTimeout = 5 };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);

        if (await ScalarAsync<long?>(connection, $"SELECT GET_LOCK('{LockName}', 120)", cancellationToken) != 1)
            throw new InvalidOperationException("Timed out waiting for another silo to finish applying the schema.");
        try
        {
            await ExecuteAsync(connection,
                """
                CREATE TABLE IF NOT EXISTS schema_version (
                    script     VARCHAR(200) NOT NULL PRIMARY KEY,
                    applied_at DATETIME(3) NOT NULL,
                    checksum   CHAR(64) CHARACTER SET ascii NULL COMMENT 'SHA-256 of the script as applied'
                ) ENGINE = InnoDB
                """, cancellationToken);
            // Databases created before checksums were recorded.
            if (await ScalarAsync<long?>(connection,
                    "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'schema_version' AND column_name = 'checksum'",
                    cancellationToken) == 0)
                await ExecuteAsync(connection, "ALTER TABLE schema_version ADD COLUMN checksum CHAR(64) CHARACTER SET ascii NULL", cancellationToken);

            var applied = new Dictionary<string, string?>(StringComparer.Ordinal);
            await using (var command = new MySqlCommand("SELECT script, checksum FROM schema_version", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    applied[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);

            foreach (var (name, text) in EmbeddedScripts())
            {
                var checksum = Checksum(text);
                if (applied.TryGetValue(name, out var appliedChecksum))
                {
                    if (appliedChecksum is null)
                        await RecordAsync(connection, "UPDATE schema_version SET checksum = @checksum WHERE script = @script", name, checksum, cancellationToken);
                    else if (!string.Equals(appliedChecksum, checksum, StringComparison.Ordinal))
                        throw new SchemaDriftException(name, appliedChecksum, checksum);
                    continue;
                }
                foreach (var statement in SplitStatements(text))
                    await ExecuteAsync(connection, statement, cancellationToken, tolerateAlreadyApplied: true);
                await RecordAsync(connection, "INSERT INTO schema_version (script, applied_at, checksum) VALUES (@script, UTC_TIMESTAMP(3), @checksum)", name, checksum, cancellationToken);
                logger?.LogInformation("Applied schema script {Script}", name);
            }
        }
        finally
        {
            await ScalarAsync<long?>(connection, $"SELECT RELEASE_LOCK('{LockName}')", CancellationToken.None);
        }
    }

    /// <summary>Applies the schema, waiting for MySQL to come up (a silo may start before its database) until cancelled.</summary>
    public static async Task ApplyWithRetryAsync(string connectionString, ILogger? logger, CancellationToken cancellationToken)
    {
        var retry = new StorageRetry(TimeSpan.MaxValue,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), StorageFailures.IsTransient, logger, "Applying the schema (MySQL not reachable yet)");
        await retry.ExecuteAsync(async ct => await ApplyAsync(connectionString, logger, ct), cancellationToken);
    }

    /// <summary>The scripts shipped in this assembly, ordered by file name.</summary>
    public static IReadOnlyList<(string Name, string Text)> EmbeddedScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("sql/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n["sql/".Length..], Read(assembly, n)))
            .ToList();

        static string Read(Assembly assembly, string name)
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    /// <summary>
    /// Splits a script the way the mysql client does: statements end with the current delimiter at the end
    /// of a line, and <c>DELIMITER x</c> lines change it (stored procedures use <c>$$</c>).
    /// Whole-line <c>--</c> comments are dropped so that a comment can never become an empty statement.
    /// </summary>
    public static IEnumerable<string> SplitStatements(string script)
    {
        var delimiter = ";";
        var current = new StringBuilder();
        foreach (var rawLine in script.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var trimmed = line.Trim();
            if (current.Length == 0 && trimmed.StartsWith("DELIMITER ", StringComparison.OrdinalIgnoreCase))
            {
                delimiter = trimmed["DELIMITER ".Length..].Trim();
                continue;
            }
            if (trimmed.StartsWith("--", StringComparison.Ordinal) || (current.Length == 0 && trimmed.Length == 0))
                continue;
            if (trimmed.EndsWith(delimiter, StringComparison.Ordinal))
            {
                current.AppendLine(trimmed[..^delimiter.Length]);
                var statement = current.ToString().Trim();
                current.Clear();
                if (statement.Length > 0)
                    yield return statement;
            }
            else
            {
                current.AppendLine(line);
            }
        }
        var tail = current.ToString().Trim();
        if (tail.Length > 0)
            yield return tail;
    }

    /// <summary>Lower-case hex SHA-256 of the script's text with line ends normalised (a checkout's CRLF changes nothing).</summary>
    public static string Checksum(string script) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script.Replace("\r\n", "\n", StringComparison.Ordinal))));

    private static async Task RecordAsync(MySqlConnection connection, string sql, string script, string checksum, CancellationToken cancellationToken)
    {
        await using var record = new MySqlCommand(sql, connection);
        record.Parameters.AddWithValue("@script", script);
        record.Parameters.AddWithValue("@checksum", checksum);
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken, bool tolerateAlreadyApplied = false)
    {
        // Migrations may rebuild large tables: they get a deadline of their own, far above a request's.
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 3600 };
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (MySqlException ex) when (tolerateAlreadyApplied && AlreadyAppliedErrors.Contains(ex.Number))
        {
            // The statement ran before this script was interrupted; its effect is there.
        }
    }

    private static async Task<T?> ScalarAsync<T>(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 300 };
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }
}
