using System.Text;
using MySqlConnector;

namespace CxActors.Database;

/// <summary>
/// <c>customer_tombstones</c>: which hashed subjects (customers, phones) were erased, and when. A record of such a
/// subject that started at or before that time is refused everywhere.
/// </summary>
public static class Tombstones
{
    private const int HashesPerQuery = 1000;

    /// <summary>
    /// erased_at of the hashes that have a tombstone, by lower-case hex. With <paramref name="lockForShare"/> (inside a
    /// REPEATABLE READ transaction) the read also locks the gaps where missing tombstones would go, so that an erasure
    /// writing one waits until the caller's transaction ends.
    /// </summary>
    public static async Task<Dictionary<string, DateTime>> ReadAsync(MySqlConnection connection, MySqlTransaction? transaction,
        IReadOnlyCollection<byte[]> hashes, bool lockForShare, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var chunk in hashes.Chunk(HashesPerQuery))
        {
            await using var select = new MySqlCommand { Connection = connection, Transaction = transaction };
            var sql = new StringBuilder("SELECT subject_hash, erased_at FROM customer_tombstones WHERE subject_hash IN (");
            SqlInList.Append(sql, select.Parameters, chunk).Append(')');
            if (lockForShare)
                sql.Append(" LOCK IN SHARE MODE");
            select.CommandText = sql.ToString();
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                found[CustomerHasher.Hex((byte[])reader.GetValue(0))] = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
        }
        return found;
    }
}
