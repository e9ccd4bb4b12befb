using System.Text;
using CxActors.Database;
using MySqlConnector;

namespace CxActors.Ingest.Pipeline;

/// <summary>
/// Who a record belongs to: its e-mail, else a phone linked to a customer. Links live in <c>customer_phones</c> and
/// are written before the records are sent to the grains, so a link never lags the interactions that made it.
/// </summary>
public sealed class CustomerDirectory(CxDataSources dataSources, TimeProvider clock)
{
    private const int LinksPerStatement = 1000;

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

        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        try
        {
            var phones = unresolved.Select(i => records[i].Draft!.Phone!).Concat(newLinks.Keys).Distinct(StringComparer.Ordinal).ToList();
            var known = await PhoneLinks.ReadAsync(connection, phones, cancellationToken);

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
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var chunk in toLink.Chunk(LinksPerStatement))
            {
                await using var insert = new MySqlCommand { Connection = connection };
                var sql = SqlInList.AppendTuples(new StringBuilder("INSERT IGNORE INTO customer_phones (phone, customer_id, linked_at) VALUES "), chunk.Length, 3);
                foreach (var (phone, customer) in chunk)
                {
                    insert.Parameters.Add(new MySqlParameter { Value = phone });
                    insert.Parameters.Add(new MySqlParameter { Value = customer });
                    insert.Parameters.Add(new MySqlParameter { Value = now });
                }
                insert.CommandText = sql.ToString();
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            return resolved;
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            await StorageFailures.DiscardAsync(connection);
            throw;
        }
    }
}
