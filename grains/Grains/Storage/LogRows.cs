using System.Text;
using CxActors.Database;
using MySqlConnector;

namespace CxActors.Storage;

/// <summary>The log's statements (interactions INSERT, customers upsert, contact rollups upsert) and how a row fills and sizes them.</summary>
internal static class LogRows
{
    public static MultiRowStatement InsertInteractions(int maxRows) => new(
        "INSERT INTO interactions (customer_id, customer_seq, interaction_id, source_id, channel, started_at, ended_at, agent, status, queue, classification, sub_classification, feedback_score, feedback_comment, wait_seconds, handle_seconds, source, source_detail, ingested_at, phone, customer_name) VALUES ",
        // A row already logged with the same id or position is left as it is and counts 0 affected rows.
        " ON DUPLICATE KEY UPDATE interaction_id = interaction_id",
        [
            MySqlDbType.VarChar, MySqlDbType.Int32, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.VarChar,
            MySqlDbType.DateTime, MySqlDbType.DateTime, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.VarChar,
            MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.Int32, MySqlDbType.Text, MySqlDbType.Int32,
            MySqlDbType.Int32, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.DateTime, MySqlDbType.VarChar,
            MySqlDbType.VarChar,
        ],
        maxRows);

    public static MultiRowStatement UpsertCustomers(int maxRows) => new(
        "INSERT INTO customers (customer_id, email, name, phones, first_contact_at, last_contact_at, last_channel, last_interaction_id, total_contacts, phone_contacts, chat_contacts, whatsapp_contacts, email_contacts, version, updated_at) VALUES ",
        CustomersUpsertTail(),
        [
            MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.DateTime,
            MySqlDbType.DateTime, MySqlDbType.VarChar, MySqlDbType.VarChar, MySqlDbType.Int32, MySqlDbType.Int32,
            MySqlDbType.Int32, MySqlDbType.Int32, MySqlDbType.Int32, MySqlDbType.Int32, MySqlDbType.DateTime,
        ],
        maxRows);

    /// <summary>Adds to the hourly rollups (a negative count subtracts): one row lock per (hour, channel) touched.</summary>
    public static MultiRowStatement UpsertContactStats(int maxRows) => new(
        "INSERT INTO contact_stats_hourly (hour, channel, contacts) VALUES ",
        " ON DUPLICATE KEY UPDATE contacts = contacts + VALUES(contacts)",
        [MySqlDbType.DateTime, MySqlDbType.VarChar, MySqlDbType.Int32],
        maxRows);

    public static void FillContactStats(HourlyContacts row, MySqlParameterCollection p, int o)
    {
        Set(p, o, row.Hour); Set(p, o + 1, row.Channel.ToCode()); Set(p, o + 2, row.Contacts);
    }

    /// <summary>A rollup row's bytes in the packet: a date, a short code, a number, with room to spare.</summary>
    public static long ContactStatsBytes(HourlyContacts row) => 64;

    public static void FillInteraction(LoggedInteraction row, MySqlParameterCollection p, int o, DateTime now)
    {
        var i = row.Interaction;
        Set(p, o, i.CustomerId); Set(p, o + 1, row.Seq); Set(p, o + 2, i.Id); Set(p, o + 3, i.SourceId); Set(p, o + 4, i.Channel.ToCode());
        Set(p, o + 5, i.StartedAt); Set(p, o + 6, i.EndedAt); Set(p, o + 7, i.Agent); Set(p, o + 8, i.Status); Set(p, o + 9, i.Queue);
        Set(p, o + 10, i.Classification); Set(p, o + 11, i.SubClassification); Set(p, o + 12, i.FeedbackScore); Set(p, o + 13, i.FeedbackComment);
        Set(p, o + 14, i.WaitSeconds); Set(p, o + 15, i.HandleSeconds); Set(p, o + 16, i.Source); Set(p, o + 17, i.SourceDetail); Set(p, o + 18, now);
        Set(p, o + 19, i.Phone); Set(p, o + 20, i.Name);
    }

    /// <summary>An upper bound of the row's bytes in the statement packet.</summary>
    public static long InteractionBytes(LoggedInteraction row)
    {
        var i = row.Interaction;
        return 128 + ServerLimits.WorstCaseBytes(i.CustomerId) + ServerLimits.WorstCaseBytes(i.SourceId) + ServerLimits.WorstCaseBytes(i.Agent)
            + ServerLimits.WorstCaseBytes(i.Status) + ServerLimits.WorstCaseBytes(i.Queue) + ServerLimits.WorstCaseBytes(i.Classification)
            + ServerLimits.WorstCaseBytes(i.SubClassification) + ServerLimits.WorstCaseBytes(i.FeedbackComment) + ServerLimits.WorstCaseBytes(i.Source)
            + ServerLimits.WorstCaseBytes(i.SourceDetail) + ServerLimits.WorstCaseBytes(i.Phone) + ServerLimits.WorstCaseBytes(i.Name) + 32 + 16;
    }

    public static void FillCustomer(CustomerRow c, MySqlParameterCollection p, int o, DateTime now)
    {
        Set(p, o, c.CustomerId); Set(p, o + 1, c.CustomerId); Set(p, o + 2, c.Name); Set(p, o + 3, c.Phones); Set(p, o + 4, c.FirstContactAt);
        Set(p, o + 5, c.LastContactAt); Set(p, o + 6, c.LastChannel.ToCode()); Set(p, o + 7, c.LastInteractionId);
        Set(p, o + 8, c.TotalContacts); Set(p, o + 9, c.ChannelCounts[0]); Set(p, o + 10, c.ChannelCounts[1]); Set(p, o + 11, c.ChannelCounts[2]);
        Set(p, o + 12, c.ChannelCounts[3]); Set(p, o + 13, c.Version); Set(p, o + 14, now);
    }

    public static long CustomerBytes(CustomerRow c) =>
        160 + 2 * ServerLimits.WorstCaseBytes(c.CustomerId) + ServerLimits.WorstCaseBytes(c.Name) + ServerLimits.WorstCaseBytes(c.Phones) + 48;

    private static void Set(MySqlParameterCollection parameters, int index, object? value) =>
        parameters[index].Value = value ?? DBNull.Value;

    // Parameter values are objects: small counts and positions are boxed once for the process, not once per row.
    private static readonly object[] SmallInts = [.. Enumerable.Range(0, 4096).Select(n => (object)n)];

    private static void Set(MySqlParameterCollection parameters, int index, int value) =>
        parameters[index].Value = (uint)value < (uint)SmallInts.Length ? SmallInts[value] : value;

    private static void Set(MySqlParameterCollection parameters, int index, int? value)
    {
        if (value is { } n)
            Set(parameters, index, n);
        else
            parameters[index].Value = DBNull.Value;
    }

    /// <summary>Only a newer version replaces a customers row. version is assigned last: MySQL evaluates the
    /// assignments in order and the IF()s must compare with the old version.</summary>
    private static string CustomersUpsertTail()
    {
        var sql = new StringBuilder(" ON DUPLICATE KEY UPDATE ");
        foreach (var column in new[] { "email", "name", "phones", "first_contact_at", "last_contact_at", "last_channel", "last_interaction_id", "total_contacts", "phone_contacts", "chat_contacts", "whatsapp_contacts", "email_contacts", "updated_at" })
            sql.Append(column).Append(" = IF(VALUES(version) > version, VALUES(").Append(column).Append("), ").Append(column).Append("), ");
        return sql.Append("version = GREATEST(version, VALUES(version))").ToString();
    }
}
