using System.Text;
using CxActors.Database;
using MySqlConnector;

namespace CxActors.Api.Data;

/// <summary>
/// The fleet-wide questions, read from the reporting tables with indexed queries (never by activating grains),
/// and the phone links that let <c>customer(id:)</c> accept a phone number. Every fleet-wide query first takes a slot
/// of <paramref name="fleetGate"/>; the phone lookup (a primary-key read for one document's phones) does not.
/// </summary>
public sealed class ReportingStore(CxDataSources dataSources, FleetQueryGate fleetGate)
{
    /// <summary>
    /// Customers with contacts in since &lt; started_at &lt;= until (optionally on one channel), most contacts first,
    /// ties by customer id ascending; up to <paramref name="limit"/> rows strictly after the cursor position.
    /// A range scan of <c>ix_interactions_started (started_at, customer_id)</c>, grouped per customer.
    /// </summary>
    public async Task<List<CustomerContacts>> ContactCountsAsync(DateTime sinceExclusive, DateTime untilInclusive, Channel? channel,
        (int Contacts, string CustomerId)? after, int limit, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            "SELECT customer_id, COUNT(*) AS contacts FROM interactions FORCE INDEX (ix_interactions_started) " +
            "WHERE " + ContactWindow.SqlCondition);
        if (channel is not null)
            sql.Append(" AND channel = @channel");
        sql.Append(" GROUP BY customer_id");
        if (after is not null)
            sql.Append(" HAVING contacts < @afterContacts OR (contacts = @afterContacts AND customer_id > @afterCustomer)");
        sql.Append(" ORDER BY contacts DESC, customer_id ASC LIMIT @limit");

        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql.ToString(), connection);
        AddWindow(command, sinceExclusive, untilInclusive, channel);
        command.Parameters.AddWithValue("@limit", limit);
        if (after is { } a)
        {
            command.Parameters.AddWithValue("@afterContacts", a.Contacts);
            command.Parameters.AddWithValue("@afterCustomer", a.CustomerId);
        }
        var rows = new List<CustomerContacts>(Math.Min(limit, 128));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new CustomerContacts(reader.GetString(0), Convert.ToInt32(reader.GetValue(1))));
        return rows;
    }

    /// <summary>How many customers have at least one contact in the window.</summary>
    public async Task<int> CountContactingCustomersAsync(DateTime sinceExclusive, DateTime untilInclusive, Channel? channel, CancellationToken cancellationToken)
    {
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT COUNT(DISTINCT customer_id) FROM interactions FORCE INDEX (ix_interactions_started) " +
            "WHERE " + ContactWindow.SqlCondition + (channel is null ? "" : " AND channel = @channel"),
            connection);
        AddWindow(command, sinceExclusive, untilInclusive, channel);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>
    /// Rejected records with since &lt;= received_at &lt; until per ingest endpoint and kind of reason
    /// (<see cref="RejectionReasons"/>), most first, then by endpoint and reason. A range scan of
    /// <c>ix_ingest_rejections_received</c>.
    /// </summary>
    public async Task<List<RejectionCount>> RejectionCountsAsync(DateTime since, DateTime until, CancellationToken cancellationToken)
    {
        var sql =
            "SELECT channel, reason_kind, COUNT(*) AS rejections FROM (" +
            "SELECT channel, " + RejectionReasons.SqlKind("first_problem", RejectionReasons.SqlField("first_problem")) + " AS reason_kind FROM (" +
            "SELECT channel, " + RejectionReasons.SqlFirstProblem + " AS first_problem FROM ingest_rejections " +
            "WHERE received_at >= @since AND received_at < @until) AS problems) AS kinds " +
            "GROUP BY channel, reason_kind ORDER BY rejections DESC, channel, reason_kind";
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@since", since);
        command.Parameters.AddWithValue("@until", until);
        RejectionReasons.Bind(command);
        var rows = new List<RejectionCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new RejectionCount(reader.GetString(0), reader.GetString(1), Convert.ToInt32(reader.GetValue(2))));
        return rows;
    }

    /// <summary>Customer ids in id (binary) order, strictly after <paramref name="afterCustomerId"/>: the primary key.</summary>
    public async Task<List<string>> CustomerIdsAsync(string? afterCustomerId, int limit, CancellationToken cancellationToken)
    {
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT customer_id FROM customers" + (afterCustomerId is null ? "" : " WHERE customer_id > @after") +
            " ORDER BY customer_id LIMIT @limit",
            connection);
        if (afterCustomerId is not null)
            command.Parameters.AddWithValue("@after", afterCustomerId);
        command.Parameters.AddWithValue("@limit", limit);
        var ids = new List<string>(Math.Min(limit, 128));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            ids.Add(reader.GetString(0));
        return ids;
    }

    public async Task<int> CountCustomersAsync(CancellationToken cancellationToken)
    {
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM customers", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>
    /// The hourly rollups with since &lt;= hour &lt; until (UTC, whole hours), optionally of one channel, rows with
    /// contacts only: a range scan of <c>contact_stats_hourly</c>'s primary key, at most 4 rows per hour whatever the
    /// number of interactions.
    /// </summary>
    public async Task<List<HourlyContactCount>> HourlyContactsAsync(DateTime since, DateTime until, Channel? channel, CancellationToken cancellationToken)
    {
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT hour, channel, contacts FROM contact_stats_hourly WHERE hour >= @since AND hour < @until AND contacts > 0" +
            (channel is null ? "" : " AND channel = @channel"),
            connection);
        command.Parameters.AddWithValue("@since", since);
        command.Parameters.AddWithValue("@until", until);
        if (channel is { } c)
            command.Parameters.AddWithValue("@channel", c.ToCode());
        var rows = new List<HourlyContactCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // A code this version does not know (written by a newer one) is left out rather than failing the chart.
            if (Channels.TryParse(reader.GetString(1), out var rowChannel))
                rows.Add(new HourlyContactCount(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc), rowChannel, reader.GetInt32(2)));
        }
        return rows;
    }

    /// <summary>The customers these phone numbers (digits only) are linked to, in one round trip.</summary>
    public async Task<Dictionary<string, string>> CustomersByPhoneAsync(IReadOnlyList<string> phones, CancellationToken cancellationToken)
    {
        if (phones.Count == 0)
            return new Dictionary<string, string>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(cancellationToken);
        return await PhoneLinks.ReadAsync(connection, phones, cancellationToken);
    }

    private static void AddWindow(MySqlCommand command, DateTime sinceExclusive, DateTime untilInclusive, Channel? channel)
    {
        command.Parameters.AddWithValue("@since", sinceExclusive);
        command.Parameters.AddWithValue("@until", untilInclusive);
        if (channel is { } c)
            command.Parameters.AddWithValue("@channel", c.ToCode());
    }

    private async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSources.Reads.OpenConnectionAsync(cancellationToken);
}
