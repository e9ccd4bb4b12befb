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
    /// A range scan of <c>ix_interactions_started (started_at, customer_id, …)</c>, grouped per customer.
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

        return await ReadPageAsync(sql.ToString(), limit, command =>
        {
            AddWindow(command, sinceExclusive, untilInclusive, channel);
            AddAfterCount(command, "@afterContacts", after);
        }, ReadCustomerContacts, cancellationToken);
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

    /// <summary>
    /// Per channel, the contacts with since &lt;= started_at &lt; until (and &lt;= asOf) with their repeats, channel switches
    /// and resolutions for a window of <paramref name="window"/>. One range read of the covering
    /// <c>ix_interactions_started</c> over [since - W, min(until + W, asOf)]: within it each contact's neighbours in its
    /// customer's order (LAG/LEAD) are its true neighbours whenever those are within W, which is all the rules ask.
    /// </summary>
    public async Task<List<ResolutionStats>> ResolutionStatsAsync(DateTime sinceInclusive, DateTime untilExclusive, TimeSpan window, DateTime asOf,
        CancellationToken cancellationToken)
    {
        const string sql =
            "SELECT channel, COUNT(*), " +
            "SUM(CASE WHEN previous_at >= started_at - INTERVAL @w SECOND THEN 1 ELSE 0 END), " +
            "SUM(CASE WHEN previous_at >= started_at - INTERVAL @w SECOND AND previous_channel <> channel THEN 1 ELSE 0 END), " +
            "SUM(CASE WHEN next_at <= started_at + INTERVAL @w SECOND THEN 0 WHEN @asOf < started_at + INTERVAL @w SECOND THEN 0 ELSE 1 END), " +
            "SUM(CASE WHEN next_at <= started_at + INTERVAL @w SECOND THEN 1 ELSE 0 END) " +
            "FROM (SELECT channel, started_at, " +
            "LAG(started_at) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS previous_at, " +
            "LAG(channel) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS previous_channel, " +
            "LEAD(started_at) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS next_at " +
            "FROM interactions FORCE INDEX (ix_interactions_started) WHERE started_at >= @from AND started_at <= @to) AS ordered " +
            "WHERE started_at >= @since AND started_at < @until GROUP BY channel";
        var to = Saturating.Add(untilExclusive, window);
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@w", (long)window.TotalSeconds);
        command.Parameters.AddWithValue("@asOf", asOf);
        command.Parameters.AddWithValue("@from", Saturating.Subtract(sinceInclusive, window));
        command.Parameters.AddWithValue("@to", asOf < to ? asOf : to);
        command.Parameters.AddWithValue("@since", sinceInclusive);
        command.Parameters.AddWithValue("@until", untilExclusive);
        var rows = new List<ResolutionStats>(4);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!Channels.TryParse(reader.GetString(0), out var channel))
                continue;
            int At(int ordinal) => Convert.ToInt32(reader.GetValue(ordinal));
            var contacts = At(1);
            var repeated = At(5);
            var resolved = At(4);
            rows.Add(new ResolutionStats(channel, contacts, At(2), At(3), resolved, repeated, contacts - resolved - repeated));
        }
        rows.Sort((a, b) => a.Channel.CompareTo(b.Channel));
        return rows;
    }

    /// <summary>
    /// Customers with at least <paramref name="minRepeats"/> repeats among their contacts with since &lt; started_at &lt;=
    /// until, most repeats first, ties by customer id; up to <paramref name="limit"/> rows strictly after the cursor.
    /// </summary>
    public async Task<List<CustomerContacts>> RepeatCallersAsync(DateTime sinceExclusive, DateTime untilInclusive, TimeSpan window, int minRepeats,
        (int Repeats, string CustomerId)? after, int limit, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(RepeatsPerCustomer);
        if (after is not null)
            sql.Append(" AND (repeats < @afterRepeats OR (repeats = @afterRepeats AND customer_id > @afterCustomer))");
        sql.Append(" ORDER BY repeats DESC, customer_id ASC LIMIT @limit");

        return await ReadPageAsync(sql.ToString(), limit, command =>
        {
            AddRepeatWindow(command, sinceExclusive, untilInclusive, window, minRepeats);
            AddAfterCount(command, "@afterRepeats", after);
        }, ReadCustomerContacts, cancellationToken);
    }

    /// <summary>How many customers <see cref="RepeatCallersAsync"/> lists in all.</summary>
    public async Task<int> CountRepeatCallersAsync(DateTime sinceExclusive, DateTime untilInclusive, TimeSpan window, int minRepeats,
        CancellationToken cancellationToken)
    {
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM ({RepeatsPerCustomer}) AS callers", connection);
        AddRepeatWindow(command, sinceExclusive, untilInclusive, window, minRepeats);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken));
    }

    // Rows from since - W on: a contact's predecessor within W is then in the range, and is the one LAG gives.
    private const string RepeatsPerCustomer =
        "SELECT customer_id, SUM(CASE WHEN started_at > @since AND previous_at >= started_at - INTERVAL @w SECOND THEN 1 ELSE 0 END) AS repeats " +
        "FROM (SELECT customer_id, started_at, " +
        "LAG(started_at) OVER (PARTITION BY customer_id ORDER BY started_at, interaction_id) AS previous_at " +
        "FROM interactions FORCE INDEX (ix_interactions_started) WHERE started_at >= @from AND started_at <= @until) AS ordered " +
        "GROUP BY customer_id HAVING repeats >= @minRepeats";

    private static void AddRepeatWindow(MySqlCommand command, DateTime sinceExclusive, DateTime untilInclusive, TimeSpan window, int minRepeats)
    {
        command.Parameters.AddWithValue("@w", (long)window.TotalSeconds);
        command.Parameters.AddWithValue("@from", Saturating.Subtract(sinceExclusive, window));
        command.Parameters.AddWithValue("@since", sinceExclusive);
        command.Parameters.AddWithValue("@until", untilInclusive);
        command.Parameters.AddWithValue("@minRepeats", minRepeats);
    }

    /// <summary>Customer ids in id (binary) order, strictly after <paramref name="afterCustomerId"/>: the primary key.</summary>
    public Task<List<string>> CustomerIdsAsync(string? afterCustomerId, int limit, CancellationToken cancellationToken) =>
        ReadPageAsync(
            "SELECT customer_id FROM customers" + (afterCustomerId is null ? "" : " WHERE customer_id > @after") + " ORDER BY customer_id LIMIT @limit",
            limit, command =>
            {
                if (afterCustomerId is not null)
                    command.Parameters.AddWithValue("@after", afterCustomerId);
            }, static reader => reader.GetString(0), cancellationToken);

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

    /// <summary>Phone link conflicts in the order they were recorded, strictly after <paramref name="afterId"/>: the primary key.</summary>
    public Task<List<PhoneConflict>> PhoneConflictsAsync(long? afterId, int limit, CancellationToken cancellationToken) =>
        ReadPageAsync(
            "SELECT conflict_id, phone, linked_customer_id, other_customer_id, source_channel, source_interaction_id, source_started_at, detected_at " +
            "FROM phone_link_conflicts" + (afterId is null ? "" : " WHERE conflict_id > @after") + " ORDER BY conflict_id LIMIT @limit",
            limit, command =>
            {
                if (afterId is not null)
                    command.Parameters.AddWithValue("@after", afterId);
            }, static reader => new PhoneConflict(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) || !Channels.TryParse(reader.GetString(4), out var channel) ? null : channel, reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : DateTime.SpecifyKind(reader.GetDateTime(6), DateTimeKind.Utc),
                DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc)), cancellationToken);

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

    /// <summary>
    /// One page of a keyset list: a slot of the fleet gate, <paramref name="bind"/>'s parameters and <c>@limit</c>, up to
    /// <paramref name="limit"/> rows read with <paramref name="read"/>.
    /// </summary>
    private async Task<List<T>> ReadPageAsync<T>(string sql, int limit, Action<MySqlCommand> bind, Func<MySqlDataReader, T> read,
        CancellationToken cancellationToken)
    {
        using var slot = await fleetGate.EnterAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection);
        bind(command);
        command.Parameters.AddWithValue("@limit", limit);
        var rows = new List<T>(Math.Min(limit, 128));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }

    /// <summary>The position after which a (count descending, customer id) list goes on; the count's parameter is named by its list.</summary>
    private static void AddAfterCount(MySqlCommand command, string countParameter, (int Count, string CustomerId)? after)
    {
        if (after is not { } a)
            return;
        command.Parameters.AddWithValue(countParameter, a.Count);
        command.Parameters.AddWithValue("@afterCustomer", a.CustomerId);
    }

    private static CustomerContacts ReadCustomerContacts(MySqlDataReader reader) =>
        new(reader.GetString(0), Convert.ToInt32(reader.GetValue(1)));

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
