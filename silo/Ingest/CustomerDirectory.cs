using System.Text;
using CxActors.Ingest;
using CxActors.Storage;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace CxActors.Silo.Ingest;

/// <summary>
/// Who a record belongs to (its e-mail, else a phone linked to a customer) and where refused records are kept.
/// Both are plain MySQL tables: phone links are written before the records are sent to the grains, so a link
/// never lags the interactions that made it.
/// </summary>
public sealed class CustomerDirectory(IOptions<CxStorageOptions> storage, TimeProvider clock)
{
    private const int MaxRawChars = 64 * 1024;
    private readonly string _connectionString = storage.Value.ConnectionString;

    /// <summary>
    /// The customer id of each record (null when it has none), in order: a phone-only record belongs to the
    /// customer its phone was linked to by an earlier record, of this body or of an earlier one.
    /// </summary>
    public async Task<string?[]> ResolveAsync(IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken)
    {
        var resolved = new string?[records.Count];
        var newLinks = new Dictionary<string, string>(StringComparer.Ordinal);
        var unresolved = new List<int>();
        var phoneOnly = new bool[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Draft is not { } draft)
                continue;
            if (draft.Email is { } email)
            {
                resolved[i] = email;
                if (draft.Phone is { } phone)
                    newLinks.TryAdd(phone, email);
            }
            else if (draft.Phone is not null)
            {
                unresolved.Add(i);
                phoneOnly[i] = true;
            }
        }
        if (newLinks.Count == 0 && unresolved.Count == 0)
            return resolved;

        await using var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        var phones = unresolved.Select(i => records[i].Draft!.Phone!).Concat(newLinks.Keys).Distinct(StringComparer.Ordinal).ToList();
        var known = await ReadLinksAsync(connection, phones, cancellationToken);

        // Walk in body order so that only earlier records' links count for a phone-only record.
        var links = new Dictionary<string, string>(known, StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Draft is not { } draft || draft.Phone is not { } phone)
                continue;
            if (resolved[i] is { } customer)
                links.TryAdd(phone, customer);
            else if (phoneOnly[i] && links.TryGetValue(phone, out var linked))
                resolved[i] = linked;
        }

        var toLink = newLinks.Where(l => !known.ContainsKey(l.Key)).OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
        if (toLink.Count > 0)
        {
            var sql = new StringBuilder("INSERT IGNORE INTO customer_phones (phone, customer_id, linked_at) VALUES ");
            await using var insert = new MySqlCommand { Connection = connection };
            var now = clock.GetUtcNow().UtcDateTime;
            for (var i = 0; i < toLink.Count; i++)
            {
                sql.Append(i == 0 ? "" : ",").Append("(?,?,?)");
                insert.Parameters.Add(new MySqlParameter { Value = toLink[i].Key });
                insert.Parameters.Add(new MySqlParameter { Value = toLink[i].Value });
                insert.Parameters.Add(new MySqlParameter { Value = now });
            }
            insert.CommandText = sql.ToString();
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        return resolved;
    }

    public async Task StoreRejectionsAsync(string channelName, IReadOnlyList<(IngestRecord Record, string Reason)> rejections, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var chunk in rejections.Chunk(500))
        {
            var sql = new StringBuilder("INSERT INTO ingest_rejections (channel, record_index, reason, raw_record, received_at) VALUES ");
            await using var insert = new MySqlCommand { Connection = connection };
            for (var i = 0; i < chunk.Length; i++)
            {
                var (record, reason) = chunk[i];
                sql.Append(i == 0 ? "" : ",").Append("(?,?,?,?,?)");
                insert.Parameters.Add(new MySqlParameter { Value = channelName });
                insert.Parameters.Add(new MySqlParameter { Value = record.Index });
                insert.Parameters.Add(new MySqlParameter { Value = reason.Length > 1000 ? reason[..1000] : reason });
                var raw = record.Raw ?? "";
                insert.Parameters.Add(new MySqlParameter { Value = raw.Length > MaxRawChars ? raw[..MaxRawChars] : raw });
                insert.Parameters.Add(new MySqlParameter { Value = now });
            }
            insert.CommandText = sql.ToString();
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<Dictionary<string, string>> ReadLinksAsync(MySqlConnection connection, IReadOnlyList<string> phones, CancellationToken cancellationToken)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in phones.Chunk(1000))
        {
            var sql = new StringBuilder("SELECT phone, customer_id FROM customer_phones WHERE phone IN (");
            await using var select = new MySqlCommand { Connection = connection };
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "?" : ",?");
                select.Parameters.Add(new MySqlParameter { Value = chunk[i] });
            }
            select.CommandText = sql.Append(')').ToString();
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                links[reader.GetString(0)] = reader.GetString(1);
        }
        return links;
    }
}
