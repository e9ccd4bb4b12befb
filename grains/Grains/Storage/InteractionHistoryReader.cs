using System.Text;
using CxActors.Customers;
using CxActors.Database;
using MySqlConnector;

namespace CxActors.Storage;

/// <summary>
/// Reads one customer's rows from the <c>interactions</c> table: the log replay at activation, and the
/// answers that reach past the grain's recent window (old re-deliveries, old time windows, deep pages).
/// Every query is on the customer's primary-key or (customer_id, started_at) index prefix.
/// </summary>
public sealed class InteractionHistoryReader(CxDataSources dataSources)
{
    private const string Columns =
        "customer_seq, interaction_id, source_id, channel, started_at, ended_at, agent, status, queue, classification, " +
        "sub_classification, feedback_score, feedback_comment, wait_seconds, handle_seconds, source, source_detail, phone, customer_name";

    /// <summary>The customer's logged rows after <paramref name="afterSeq"/>, in log order.</summary>
    public async Task<List<LoggedInteraction>> ReadLogAfterAsync(string customerId, int afterSeq, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            $"SELECT {Columns} FROM interactions WHERE customer_id = @customer AND customer_seq > @after ORDER BY customer_seq",
            connection);
        command.Parameters.AddWithValue("@customer", customerId);
        command.Parameters.AddWithValue("@after", afterSeq);
        return await ReadAsync(command, customerId, cancellationToken);
    }

    /// <summary>
    /// Hands every logged row of the customer that started at or after <paramref name="since"/> to
    /// <paramref name="apply"/>, in log order, one at a time (a forward-only read: memory does not grow with the log).
    /// </summary>
    public async Task<int> ReplayStartedSinceAsync(string customerId, DateTime since, Action<LoggedInteraction> apply, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            $"SELECT {Columns} FROM interactions WHERE customer_id = @customer AND started_at >= @since ORDER BY customer_seq",
            connection);
        command.Parameters.AddWithValue("@customer", customerId);
        command.Parameters.AddWithValue("@since", since);
        var count = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            apply(Map(reader, customerId));
            count++;
        }
        return count;
    }

    /// <summary>Which of these interaction ids the customer's log already holds.</summary>
    public async Task<HashSet<string>> FindLoggedAsync(string customerId, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Count == 0)
            return found;
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        command.Parameters.Add(new MySqlParameter { Value = customerId });
        var sql = new StringBuilder("SELECT interaction_id FROM interactions WHERE customer_id = ? AND interaction_id IN (");
        command.CommandText = SqlInList.Append(sql, command.Parameters, ids).Append(')').ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            found.Add(reader.GetString(0));
        return found;
    }

    /// <summary>Contacts with since &lt; started_at &lt;= until.</summary>
    public async Task<int> CountAsync(string customerId, ContactWindow window, Channel? channel, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT COUNT(*) FROM interactions WHERE customer_id = @customer AND " + ContactWindow.SqlCondition +
            (channel is null ? "" : " AND channel = @channel"),
            connection);
        command.Parameters.AddWithValue("@customer", customerId);
        command.Parameters.AddWithValue("@since", window.SinceExclusive);
        command.Parameters.AddWithValue("@until", window.UntilInclusive);
        if (channel is { } c)
            command.Parameters.AddWithValue("@channel", c.ToCode());
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>
    /// The customer's contacts with <paramref name="fromInclusive"/> &lt;= started_at &lt;= <paramref name="toInclusive"/>
    /// in (started_at, interaction_id) order: the neighbourhood the repeat rules need, from the
    /// (customer_id, started_at, interaction_id) index.
    /// </summary>
    public async Task<List<ContactPoint>> ReadContactPointsAsync(string customerId, DateTime fromInclusive, DateTime toInclusive, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT started_at, interaction_id, channel FROM interactions FORCE INDEX (ix_interactions_customer_started) " +
            "WHERE customer_id = @customer AND started_at >= @from AND started_at <= @to ORDER BY started_at, interaction_id",
            connection);
        command.Parameters.AddWithValue("@customer", customerId);
        command.Parameters.AddWithValue("@from", fromInclusive);
        command.Parameters.AddWithValue("@to", toInclusive);
        var points = new List<ContactPoint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            Channels.TryParse(reader.GetString(2), out var channel);
            points.Add(new ContactPoint(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), reader.GetString(1), channel));
        }
        return points;
    }

    /// <summary>Up to <paramref name="limit"/> interactions newest first, strictly after the cursor.</summary>
    public async Task<List<Interaction>> ReadPageAsync(string customerId, Channel? channel, int limit, InteractionCursor? after, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var sql = new StringBuilder($"SELECT {Columns} FROM interactions WHERE customer_id = @customer");
        if (channel is not null)
            sql.Append(" AND channel = @channel");
        if (after is not null)
            sql.Append(" AND (started_at < @afterStarted OR (started_at = @afterStarted AND interaction_id < @afterId))");
        sql.Append(" ORDER BY started_at DESC, interaction_id DESC LIMIT @limit");
        await using var command = new MySqlCommand(sql.ToString(), connection);
        command.Parameters.AddWithValue("@customer", customerId);
        command.Parameters.AddWithValue("@limit", limit);
        if (channel is { } c)
            command.Parameters.AddWithValue("@channel", c.ToCode());
        if (after is not null)
        {
            command.Parameters.AddWithValue("@afterStarted", after.StartedAt);
            command.Parameters.AddWithValue("@afterId", after.Id);
        }
        return [.. (await ReadAsync(command, customerId, cancellationToken)).Select(r => r.Interaction)];
    }

    private async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSources.Reads.OpenConnectionAsync(cancellationToken);

    private static async Task<List<LoggedInteraction>> ReadAsync(MySqlCommand command, string customerId, CancellationToken cancellationToken)
    {
        var rows = new List<LoggedInteraction>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(Map(reader, customerId));
        return rows;
    }

    private static LoggedInteraction Map(MySqlDataReader reader, string customerId)
    {
        Channels.TryParse(reader.GetString(3), out var channel);
        return new LoggedInteraction(reader.GetInt32(0), new Interaction
        {
            CustomerId = customerId,
            Id = reader.GetString(1),
            SourceId = NullableString(reader, 2),
            Channel = channel,
            StartedAt = DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc),
            EndedAt = reader.IsDBNull(5) ? null : DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc),
            Agent = NullableString(reader, 6),
            Status = NullableString(reader, 7),
            Queue = NullableString(reader, 8),
            Classification = NullableString(reader, 9),
            SubClassification = NullableString(reader, 10),
            FeedbackScore = reader.IsDBNull(11) ? null : reader.GetInt32(11),
            FeedbackComment = NullableString(reader, 12),
            WaitSeconds = reader.IsDBNull(13) ? null : reader.GetInt32(13),
            HandleSeconds = reader.IsDBNull(14) ? null : reader.GetInt32(14),
            Source = reader.GetString(15),
            SourceDetail = NullableString(reader, 16),
            Phone = NullableString(reader, 17),
            Name = NullableString(reader, 18),
        });
    }

    private static string? NullableString(MySqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
