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

    /// <summary>Phone link conflicts in the order they were recorded, strictly after <paramref name="afterId"/>: the primary key.</summary>
    public async Task<List<PhoneConflict>> PhoneConflictsAsync(long? afterId, int limit, CancellationToken cancellationToken)
    {
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(
            "SELECT conflict_id, phone, linked_customer_id, other_customer_id, source_channel, source_interaction_id, source_started_at, detected_at " +
            "FROM phone_link_conflicts" + (afterId is null ? "" : " WHERE conflict_id > @after") + " ORDER BY conflict_id LIMIT @limit",
            connection);
        if (afterId is not null)
            command.Parameters.AddWithValue("@after", afterId);
        command.Parameters.AddWithValue("@limit", limit);
        var rows = new List<PhoneConflict>(Math.Min(limit, 128));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PhoneConflict(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) || !Channels.TryParse(reader.GetString(4), out var channel) ? null : channel, reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc),
                DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc)));
        }
        return rows;
    }

    public async Task<int> CountPhoneConflictsAsync(CancellationToken cancellationToken)
    {
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM phone_link_conflicts", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    /// <summary>The customers these phone numbers (E.164) are linked to, in one round trip.</summary>
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
