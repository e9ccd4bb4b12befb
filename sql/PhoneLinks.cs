using System.Text;
using MySqlConnector;

namespace CxActors.Database;

/// <summary>
/// The <c>customer_phones</c> links: which customer a phone number (E.164) belongs to; and the numbers in
/// <c>phone_link_conflicts</c>.
/// </summary>
public static class PhoneLinks
{
    private const int PhonesPerQuery = 1000;

    /// <summary>The customers these phones are linked to (phones without a link are absent), 1,000 phones a query.</summary>
    public static async Task<Dictionary<string, string>> ReadAsync(MySqlConnection connection, IReadOnlyCollection<string> phones, CancellationToken cancellationToken,
        MySqlTransaction? transaction = null)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in phones.Chunk(PhonesPerQuery))
        {
            await using var select = new MySqlCommand { Connection = connection, Transaction = transaction };
            var sql = new StringBuilder("SELECT phone, customer_id FROM customer_phones WHERE phone IN (");
            select.CommandText = SqlInList.Append(sql, select.Parameters, chunk).Append(')').ToString();
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                links[reader.GetString(0)] = reader.GetString(1);
        }
        return links;
    }

    /// <summary>Which of these phones are in a link conflict, 1,000 phones a query.</summary>
    public static async Task<HashSet<string>> ReadConflictedAsync(MySqlConnection connection, IReadOnlyCollection<string> phones, CancellationToken cancellationToken,
        MySqlTransaction? transaction = null)
    {
        var conflicted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in phones.Chunk(PhonesPerQuery))
        {
            await using var select = new MySqlCommand { Connection = connection, Transaction = transaction };
            var sql = new StringBuilder("SELECT DISTINCT phone FROM phone_link_conflicts WHERE phone IN (");
            select.CommandText = SqlInList.Append(sql, select.Parameters, chunk).Append(')').ToString();
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                conflicted.Add(reader.GetString(0));
        }
        return conflicted;
    }
}
