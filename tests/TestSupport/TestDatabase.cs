using CxActors.Database;
using MySqlConnector;

namespace CxActors.TestSupport;

/// <summary>
/// A fresh database on the real MariaDB/MySQL that <c>./cx test</c> starts (CX_TEST_MYSQL), with the schema
/// applied. A missing server fails the test run: nothing here is skipped.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable("CX_TEST_MYSQL");
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException("CX_TEST_MYSQL is not set: run the tests with ./cx test, which starts MariaDB.");
        var name = "cx_test_" + Guid.NewGuid().ToString("N")[..12];
        var builder = new MySqlConnectionStringBuilder(server) { Database = "" };
        await using (var connection = new MySqlConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", connection);
            await create.ExecuteNonQueryAsync();
        }
        builder.Database = name;
        var database = new TestDatabase(name, builder.ConnectionString);
        await SchemaMigrator.ApplyAsync(database.ConnectionString, logger: null, CancellationToken.None);
        return database;
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (n, v) in parameters)
            command.Parameters.AddWithValue(n, v ?? DBNull.Value);
        var value = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(value!, typeof(T));
    }

    /// <summary>Rows as string arrays (null stays null), for exact comparisons.</summary>
    public async Task<List<string?[]>> RowsAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (n, v) in parameters)
            command.Parameters.AddWithValue(n, v ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) switch
                {
                    DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.fff"),
                    var v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
                };
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Rows as lines of '|'-separated values (NULL for null), easy to compare exactly.</summary>
    public async Task<string> TextAsync(string sql, params (string Name, object? Value)[] parameters) =>
        string.Join('\n', (await RowsAsync(sql, parameters)).Select(r => string.Join('|', r.Select(v => v ?? "NULL"))));

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var builder = new MySqlConnectionStringBuilder(ConnectionString) { Database = "" };
            await using var connection = new MySqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{Name}`", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (MySqlException)
        {
            // A database left behind on the private test server is harmless.
        }
    }
}
