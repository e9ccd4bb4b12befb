namespace CxActors.Bench.Infrastructure;

/// <summary>The bench's own database on the private server: dropped and recreated at the start of every run.</summary>
public sealed class BenchDatabase(string connectionString, string name)
{
    public string Name { get; } = name;
    public string ConnectionString { get; } = connectionString;

    public static async Task<BenchDatabase> RecreateAsync(string serverConnectionString, string name)
    {
        var server = new MySqlConnectionStringBuilder(serverConnectionString) { Database = "" };
        await using (var connection = new MySqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{name}`", connection);
            await drop.ExecuteNonQueryAsync();
            await using var create = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci", connection);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new MySqlConnectionStringBuilder(serverConnectionString)
        {
            Database = name,
            MaximumPoolSize = 200,
            DefaultCommandTimeout = 600,
        };
        return new BenchDatabase(builder.ConnectionString, name);
    }

    public async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Grain-state writes so far: the ADO.NET storage bumps Version on every write, so the sum of versions counts
    /// every snapshot written (inserted rows start at 1).
    /// </summary>
    public Task<long> SnapshotWritesAsync() => ScalarAsync("SELECT COALESCE(SUM(Version), 0) FROM OrleansStorage");

    /// <summary>The server's own counters (SHOW GLOBAL STATUS), for fsyncs and lock waits per phase.</summary>
    public async Task<Dictionary<string, long>> StatusAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(
            "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_data_fsyncs','Innodb_row_lock_waits','Innodb_row_lock_time','Innodb_deadlocks'," +
            "'Questions','Handler_commit','Handler_write','Handler_update','Handler_read_key','Handler_read_next') OR Variable_name LIKE 'Com\\_%'",
            connection);
        var status = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            if (long.TryParse(reader.GetString(1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
                status[reader.GetString(0)] = v;
        return status;
    }
}
