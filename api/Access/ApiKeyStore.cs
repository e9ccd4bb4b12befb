using CxActors.Database;
using MySqlConnector;

namespace CxActors.Access;

/// <summary>One row of <c>api_keys</c>; the key itself is never stored, only its SHA-256.</summary>
public sealed record ApiKeyRecord(string Name, byte[] Hash, IReadOnlyList<string> Scopes, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary>The key name is already taken (by a live or a revoked key: names are never reused).</summary>
public sealed class ApiKeyNameTakenException(string name) : Exception($"a key named '{name}' already exists (names are never reused, even once revoked)");

/// <summary>The SQL of <c>api_keys</c>: what ./cx keys, the silo's key cache and the test support run.</summary>
public static class ApiKeyStore
{
    /// <summary>
    /// Applies the schema (a fresh database works) and stores a new key — <paramref name="key"/> when given (a key the
    /// caller already holds, e.g. the bench's), else a fresh one. Returns the key: the only time it exists in clear.
    /// </summary>
    public static async Task<string> ProvisionAsync(string connectionString, string name, IReadOnlyList<string> scopes,
        string? key = null, CancellationToken cancellationToken = default)
    {
        await SchemaMigrator.ApplyAsync(connectionString, logger: null, cancellationToken);
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return await CreateAsync(connection, name, scopes, key, cancellationToken);
    }

    public static async Task<string> CreateAsync(MySqlConnection connection, string name, IReadOnlyList<string> scopes,
        string? key = null, CancellationToken cancellationToken = default)
    {
        if (!ApiKeys.IsValidName(name))
            throw new ArgumentException($"invalid key name: {ApiKeys.NameRule}", nameof(name));
        if (scopes.Count == 0 || !scopes.All(Scopes.IsKnown))
            throw new ArgumentException($"scopes must be one or more of {string.Join(", ", Scopes.All)}", nameof(scopes));
        key ??= ApiKeys.Generate();
        if (!ApiKeys.IsWellFormed(key))
            throw new ArgumentException("not a CxActors key (cxk_ and 43 URL-safe base64 characters)", nameof(key));
        await using var command = new MySqlCommand(
            "INSERT INTO api_keys (name, key_hash, scopes, created_at) VALUES (@name, @hash, @scopes, UTC_TIMESTAMP(3))", connection);
        command.Parameters.AddWithValue("@name", name);
        command.Parameters.AddWithValue("@hash", ApiKeys.Hash(key));
        command.Parameters.AddWithValue("@scopes", string.Join(',', scopes));
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (MySqlException ex) when (ex.ErrorCode == MySqlErrorCode.DuplicateKeyEntry && ex.Message.Contains("name", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiKeyNameTakenException(name);
        }
        return key;
    }

    /// <summary>Every key (or only those not revoked), in name order.</summary>
    public static async Task<List<ApiKeyRecord>> ListAsync(MySqlConnection connection, bool activeOnly, CancellationToken cancellationToken = default)
    {
        var sql = "SELECT name, key_hash, scopes, created_at, last_used_at, revoked_at FROM api_keys"
                  + (activeOnly ? " WHERE revoked_at IS NULL" : "") + " ORDER BY name";
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
            keys.Add(new ApiKeyRecord(
                reader.GetString(0),
                (byte[])reader.GetValue(1),
                reader.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries).Where(Scopes.IsKnown).ToList(),
                DateTime.SpecifyKind(reader.GetDateTime(3), DateTimeKind.Utc),
                reader.IsDBNull(4) ? null : DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc),
                reader.IsDBNull(5) ? null : DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc)));
        return keys;
    }

    public enum RevokeOutcome
    {
        Revoked,
        AlreadyRevoked,
        Unknown,
    }

    public static async Task<RevokeOutcome> RevokeAsync(MySqlConnection connection, string name, CancellationToken cancellationToken = default)
    {
        await using var command = new MySqlCommand(
            "UPDATE api_keys SET revoked_at = UTC_TIMESTAMP(3) WHERE name = @name AND revoked_at IS NULL", connection);
        command.Parameters.AddWithValue("@name", name);
        if (await command.ExecuteNonQueryAsync(cancellationToken) > 0)
            return RevokeOutcome.Revoked;
        await using var exists = new MySqlCommand("SELECT COUNT(*) FROM api_keys WHERE name = @name", connection);
        exists.Parameters.AddWithValue("@name", name);
        return Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) > 0 ? RevokeOutcome.AlreadyRevoked : RevokeOutcome.Unknown;
    }

    /// <summary>Writes the last use of each key in one statement (never moves a time backwards).</summary>
    public static async Task TouchAsync(MySqlConnection connection, IReadOnlyDictionary<string, DateTime> lastUses, CancellationToken cancellationToken = default)
    {
        if (lastUses.Count == 0)
            return;
        await using var command = new MySqlCommand { Connection = connection };
        var cases = new List<string>();
        var names = new List<string>();
        var i = 0;
        foreach (var (name, at) in lastUses)
        {
            cases.Add($"WHEN @n{i} THEN @t{i}");
            names.Add($"@n{i}");
            command.Parameters.AddWithValue($"@n{i}", name);
            command.Parameters.AddWithValue($"@t{i}", at);
            i++;
        }
        command.CommandText =
            $"UPDATE api_keys SET last_used_at = GREATEST(COALESCE(last_used_at, '1970-01-01'), CASE name {string.Join(' ', cases)} END) " +
            $"WHERE name IN ({string.Join(',', names)})";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
