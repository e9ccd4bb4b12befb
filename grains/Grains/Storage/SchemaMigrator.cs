using System.Reflection;
using System.Text;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace CxActors.Storage;

/// <summary>
/// Applies the embedded <c>sql/*.sql</c> scripts in name order, each once per database, recorded in
/// <c>schema_version</c>. A MySQL named lock serialises silos that start together; the scripts are
/// idempotent as well, so a script interrupted half-way is simply applied again.
/// </summary>
public static class SchemaMigrator
{
    private const string LockName = "cxactors.schema";

    public static async Task ApplyAsync(string connectionString, ILogger? logger, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString) { AllowUserVariables = true };
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
                    applied_at DATETIME(3) NOT NULL
                ) ENGINE = InnoDB
                """, cancellationToken);

            var applied = new HashSet<string>(StringComparer.Ordinal);
            await using (var command = new MySqlCommand("SELECT script FROM schema_version", connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                while (await reader.ReadAsync(cancellationToken))
                    applied.Add(reader.GetString(0));

            foreach (var (name, text) in EmbeddedScripts())
            {
                if (applied.Contains(name))
                    continue;
                foreach (var statement in SplitStatements(text))
                    await ExecuteAsync(connection, statement, cancellationToken);
                await using var record = new MySqlCommand(
                    "INSERT INTO schema_version (script, applied_at) VALUES (@script, UTC_TIMESTAMP(3))", connection);
                record.Parameters.AddWithValue("@script", name);
                await record.ExecuteNonQueryAsync(cancellationToken);
                logger?.LogInformation("Applied schema script {Script}", name);
            }
        }
        finally
        {
            await ScalarAsync<long?>(connection, $"SELECT RELEASE_LOCK('{LockName}')", CancellationToken.None);
        }
    }

    /// <summary>Applies the schema, waiting for MySQL to come up (a silo may start before its database).</summary>
    public static async Task ApplyWithRetryAsync(string connectionString, ILogger? logger, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ApplyAsync(connectionString, logger, cancellationToken);
                return;
            }
            catch (Exception ex) when (InteractionLog.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                var message = $"MySQL not reachable yet (attempt {attempt}): {ex.Message}";
                if (logger is null)
                    Console.Error.WriteLine(message);
                else
                    logger.LogWarning("{Message}", message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
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

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T?> ScalarAsync<T>(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 300 };
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }
}
