using System.Globalization;
using CxActors.Database;
using MySqlConnector;

namespace CxActors.Access;

/// <summary>
/// The <c>keys</c> verb of the silo binary (<c>dotnet CxActors.Silo.dll keys …</c>, what <c>./cx keys</c> runs), on the
/// database of <c>ConnectionStrings__Cx</c>; the schema is applied first, so a fresh database works.
/// <list type="bullet">
/// <item><c>keys create NAME --scope ingest,read,admin,metrics</c>: the key is printed alone on the last line, once.</item>
/// <item><c>keys list</c>: names, scopes and dates; never a key (only hashes are stored).</item>
/// <item><c>keys revoke NAME</c>: refused by every silo within 10 s.</item>
/// </list>
/// Exit codes: 0 done, 1 the database failed, 2 usage (unknown command, invalid name or scope, name taken, no such key).
/// </summary>
public static class KeysCommand
{
    public const string Usage = """
        usage: keys create NAME --scope SCOPE[,SCOPE...]   (scopes: ingest, read, admin, metrics)
               keys list
               keys revoke NAME
        """;

    public static async Task<int> RunAsync(string[] args, string? connectionString, TextWriter output, TextWriter error)
    {
        if (args is [] or ["-h" or "--help" or "help", ..])
        {
            (args is [] ? error : output).WriteLine(Usage);
            return args is [] ? 2 : 0;
        }
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            error.WriteLine("keys: no database: set ConnectionStrings__Cx (./cx keys does)");
            return 2;
        }
        try
        {
            switch (args)
            {
                case ["create", var name, .. var rest]:
                    return await CreateAsync(connectionString, name, rest, output, error);
                case ["list"]:
                    return await ListAsync(connectionString, output);
                case ["revoke", var name]:
                    return await RevokeAsync(connectionString, name, output, error);
                default:
                    error.WriteLine($"keys: unknown command '{string.Join(' ', args)}'\n{Usage}");
                    return 2;
            }
        }
        catch (Exception ex) when (ex is MySqlException or InvalidOperationException or TimeoutException)
        {
            error.WriteLine($"keys: the database failed: {ex.Message}");
            return 1;
        }
    }

    private static async Task<int> CreateAsync(string connectionString, string name, string[] options, TextWriter output, TextWriter error)
    {
        string? scopeText = null;
        for (var i = 0; i < options.Length; i++)
        {
            switch (options[i])
            {
                case "--scope" or "--scopes" when i + 1 < options.Length:
                    scopeText = options[++i];
                    break;
                default:
                    error.WriteLine($"keys create: unexpected '{options[i]}'\n{Usage}");
                    return 2;
            }
        }
        if (!ApiKeys.IsValidName(name))
        {
            error.WriteLine($"keys create: invalid name: {ApiKeys.NameRule}");
            return 2;
        }
        if (scopeText is null)
        {
            error.WriteLine($"keys create: --scope is required (one or more of {string.Join(", ", Scopes.All)}, comma-separated)");
            return 2;
        }
        var scopes = Scopes.Parse(scopeText, out var scopeError);
        if (scopes is null)
        {
            error.WriteLine($"keys create: {scopeError}");
            return 2;
        }
        try
        {
            var key = await ApiKeyStore.ProvisionAsync(connectionString, name, scopes);
            output.WriteLine($"created key '{name}' with scopes {string.Join(',', scopes)}; it is shown once, here (only its SHA-256 is stored):");
            output.WriteLine(key);
            return 0;
        }
        catch (ApiKeyNameTakenException ex)
        {
            error.WriteLine($"keys create: {ex.Message}");
            return 2;
        }
    }

    private static async Task<int> ListAsync(string connectionString, TextWriter output)
    {
        await SchemaMigrator.ApplyAsync(connectionString, logger: null, CancellationToken.None);
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        var keys = await ApiKeyStore.ListAsync(connection, activeOnly: false);
        output.WriteLine($"{"NAME",-24} {"SCOPES",-28} {"CREATED (UTC)",-20} {"LAST USED (UTC)",-20} REVOKED (UTC)");
        foreach (var k in keys)
            output.WriteLine($"{k.Name,-24} {string.Join(',', k.Scopes),-28} {Time(k.CreatedAt),-20} {Time(k.LastUsedAt),-20} {Time(k.RevokedAt)}");
        if (keys.Count == 0)
            output.WriteLine("(no keys: ./cx keys create NAME --scope ...)");
        return 0;

        static string Time(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
    }

    private static async Task<int> RevokeAsync(string connectionString, string name, TextWriter output, TextWriter error)
    {
        await SchemaMigrator.ApplyAsync(connectionString, logger: null, CancellationToken.None);
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        switch (await ApiKeyStore.RevokeAsync(connection, name))
        {
            case ApiKeyStore.RevokeOutcome.Revoked:
                output.WriteLine($"revoked key '{name}': every silo refuses it within 10 s");
                return 0;
            case ApiKeyStore.RevokeOutcome.AlreadyRevoked:
                output.WriteLine($"key '{name}' was already revoked");
                return 0;
            default:
                error.WriteLine($"keys revoke: no key named '{name}' (./cx keys list)");
                return 2;
        }
    }
}
