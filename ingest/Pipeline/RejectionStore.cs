using System.Text;
using CxActors.Database;
using MySqlConnector;

namespace CxActors.Ingest.Pipeline;

/// <summary>
/// Keeps refused records in <c>ingest_rejections</c> so that an operator can fix and replay them. Statements are cut
/// by bytes under the server's max_allowed_packet, and each stored text is bounded, so no body, however hostile, can
/// make the insert fail for good.
/// </summary>
public sealed class RejectionStore(CxDataSources dataSources, ServerLimits limits, TimeProvider clock)
{
    /// <summary>Characters of a record's raw text kept (the rest is cut): enough to see and fix any real record.</summary>
    public const int MaxRawChars = 16 * 1024;

    /// <summary>The reason column's size.</summary>
    public const int MaxReasonChars = 1000;

    private const int MaxRowsPerStatement = 500;

    public async Task StoreAsync(string channelName, IReadOnlyList<(IngestRecord Record, string Reason)> rejections, CancellationToken cancellationToken)
    {
        var budget = await limits.StatementBudgetAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        try
        {
            for (var start = 0; start < rejections.Count;)
            {
                // As many rows as fit in the byte budget (at least one: a single row is bounded far below it).
                var end = start;
                long bytes = 0;
                while (end < rejections.Count && end - start < MaxRowsPerStatement)
                {
                    var (record, reason) = rejections[end];
                    var rowBytes = 64 + ServerLimits.WorstCaseBytes(Cut(reason, MaxReasonChars)) + ServerLimits.WorstCaseBytes(Cut(record.Raw ?? "", MaxRawChars));
                    if (end > start && bytes + rowBytes > budget)
                        break;
                    bytes += rowBytes;
                    end++;
                }
                await using var insert = new MySqlCommand { Connection = connection };
                var sql = SqlInList.AppendTuples(new StringBuilder("INSERT INTO ingest_rejections (channel, record_index, reason, raw_record, received_at) VALUES "), end - start, 5);
                for (var i = start; i < end; i++)
                {
                    var (record, reason) = rejections[i];
                    insert.Parameters.Add(new MySqlParameter { Value = channelName });
                    insert.Parameters.Add(new MySqlParameter { Value = record.Index });
                    insert.Parameters.Add(new MySqlParameter { Value = Cut(reason, MaxReasonChars) });
                    insert.Parameters.Add(new MySqlParameter { Value = Cut(record.Raw ?? "", MaxRawChars) });
                    insert.Parameters.Add(new MySqlParameter { Value = now });
                }
                insert.CommandText = sql.ToString();
                await insert.ExecuteNonQueryAsync(cancellationToken);
                start = end;
            }
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            await StorageFailures.DiscardAsync(connection);
            throw;
        }
    }

    /// <summary>Cuts a text to at most <paramref name="max"/> characters without splitting a surrogate pair.</summary>
    internal static string Cut(string text, int max)
    {
        if (text.Length <= max)
            return text;
        var end = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return text[..end];
    }
}
