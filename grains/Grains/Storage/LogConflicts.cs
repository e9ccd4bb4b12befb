using System.Text;
using CxActors.Database;
using MySqlConnector;

namespace CxActors.Storage;

/// <summary>After a flush inserted fewer rows than it sent: which appends collided with rows already in the log.</summary>
internal static class LogConflicts
{
    private const int RowsPerQuery = 1000;

    public static async Task<List<LogAppend>> FindAsync(MySqlConnection connection, List<LogAppend> appends)
    {
        var loggedIds = new HashSet<string>(StringComparer.Ordinal);
        var takenPositions = new HashSet<(string, int)>();
        foreach (var chunk in Chunk(appends, RowsPerQuery))
        {
            var rows = chunk.SelectMany(a => a.Rows).ToList();
            await using var command = new MySqlCommand { Connection = connection };
            var sql = new StringBuilder("SELECT interaction_id, customer_id, customer_seq FROM interactions WHERE interaction_id IN (");
            SqlInList.Append(sql, command.Parameters, rows.Select(r => r.Interaction.Id));
            sql.Append(") OR (customer_id, customer_seq) IN (");
            SqlInList.AppendTuples(sql, rows.Count, 2);
            foreach (var row in rows)
            {
                command.Parameters.Add(new MySqlParameter { Value = row.Interaction.CustomerId });
                command.Parameters.Add(new MySqlParameter { Value = row.Seq });
            }
            command.CommandText = sql.Append(')').ToString();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                loggedIds.Add(reader.GetString(0));
                takenPositions.Add((reader.GetString(1), reader.GetInt32(2)));
            }
        }
        // A logged id, or a position already holding a row: either way the grain's view was stale.
        return appends
            .Where(a => a.Rows.Any(r => loggedIds.Contains(r.Interaction.Id) || takenPositions.Contains((r.Interaction.CustomerId, r.Seq))))
            .ToList();
    }

    private static IEnumerable<List<LogAppend>> Chunk(List<LogAppend> appends, int maxRows)
    {
        var chunk = new List<LogAppend>();
        var rows = 0;
        foreach (var append in appends)
        {
            if (rows > 0 && rows + append.Rows.Count > maxRows)
            {
                yield return chunk;
                chunk = [];
                rows = 0;
            }
            chunk.Add(append);
            rows += append.Rows.Count;
        }
        if (chunk.Count > 0)
            yield return chunk;
    }
}
