using System.Text;
using System.Text.Json;

namespace CxActors.Privacy;

/// <summary>One audited privacy request as listed by <c>GET /privacy/requests</c>.</summary>
public sealed record PrivacyRequest(long RequestId, string Type, string? CustomerHash, string RequestedBy, DateTime RequestedAt, JsonElement Counts);

public sealed record PrivacyRequestPage(IReadOnlyList<PrivacyRequest> Nodes, bool HasNextPage, string? EndCursor);

/// <summary>
/// <c>privacy_requests</c>: every export, erasure and retention run, with the caller's name, the customer's keyed hash
/// (never the e-mail) and the counts.
/// </summary>
public sealed class PrivacyAudit(CxDataSources dataSources, CustomerHasher hasher, TimeProvider clock)
{
    public const string Export = "export";
    public const string Erase = "erase";
    public const string Retention = "retention";

    public async Task<long> RecordAsync(string type, string? customerId, string requestedBy, object counts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        await using var insert = new MySqlCommand(
            "INSERT INTO privacy_requests (request_type, customer_hash, requested_by, requested_at, counts) VALUES (@type, @hash, @by, @at, @counts)",
            connection);
        insert.Parameters.AddWithValue("@type", type);
        insert.Parameters.AddWithValue("@hash", customerId is null ? DBNull.Value : hasher.Customer(customerId));
        insert.Parameters.AddWithValue("@by", requestedBy.Length <= 255 ? requestedBy : requestedBy[..255]);
        insert.Parameters.AddWithValue("@at", clock.GetUtcNow().UtcDateTime);
        insert.Parameters.AddWithValue("@counts", JsonSerializer.Serialize(counts, counts.GetType(), JsonSerializerOptions.Web));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return insert.LastInsertedId;
    }

    /// <summary>Newest first; <paramref name="after"/> is the previous page's end cursor (a request id).</summary>
    public async Task<PrivacyRequestPage> ListAsync(int first, long? after, CancellationToken cancellationToken)
    {
        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        var sql = new StringBuilder("SELECT request_id, request_type, customer_hash, requested_by, requested_at, counts FROM privacy_requests");
        if (after is not null)
            sql.Append(" WHERE request_id < @after");
        sql.Append(" ORDER BY request_id DESC LIMIT @limit");
        await using var select = new MySqlCommand(sql.ToString(), connection);
        select.Parameters.AddWithValue("@limit", first + 1);
        if (after is { } a)
            select.Parameters.AddWithValue("@after", a);
        var nodes = new List<PrivacyRequest>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var counts = JsonDocument.Parse(reader.GetString(5));
            nodes.Add(new PrivacyRequest(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : CustomerHasher.Hex((byte[])reader.GetValue(2)),
                reader.GetString(3),
                DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc),
                counts.RootElement.Clone()));
        }
        var hasNext = nodes.Count > first;
        if (hasNext)
            nodes.RemoveAt(nodes.Count - 1);
        return new PrivacyRequestPage(nodes, hasNext, nodes.Count > 0 ? nodes[^1].RequestId.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}
