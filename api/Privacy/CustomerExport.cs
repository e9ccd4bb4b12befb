using System.Data;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;

namespace CxActors.Privacy;

/// <summary>What an export wrote, for the audit.</summary>
public sealed record ExportCounts(int Profile, int Interactions, int Phones, int Rejections, int Snapshots, int PhoneConflicts);

/// <summary>
/// LGPD access and portability: everything held on one customer as one JSON document, written with a
/// <see cref="Utf8JsonWriter"/> straight to the response while MySQL rows are read forward-only (sequential access),
/// so memory stays bounded whatever the customer's history holds.
/// </summary>
public sealed class CustomerExport(CxDataSources dataSources, TimeProvider clock)
{
    private const int FlushBytes = 32 * 1024;

    public async Task<ExportCounts> WriteAsync(PrivacySubject subject, PipeWriter body, CancellationToken cancellationToken)
    {
        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        await using var json = new Utf8JsonWriter(body);
        json.WriteStartObject();
        json.WriteString("customerId", subject.CustomerId);
        json.WriteString("exportedAt", clock.GetUtcNow().UtcDateTime);

        json.WritePropertyName("profile");
        var profile = await WriteRowsAsync(connection, json, body, single: true,
            "SELECT customer_id, email, name, phones, first_contact_at, last_contact_at, last_channel, last_interaction_id, total_contacts, " +
            "phone_contacts, chat_contacts, whatsapp_contacts, email_contacts, version, updated_at FROM customers WHERE customer_id = @customer",
            subject, cancellationToken);

        json.WriteStartArray("phones");
        foreach (var link in subject.Phones)
        {
            json.WriteStartObject();
            json.WriteString("phone", link.Phone);
            json.WriteString("linkedAt", link.LinkedAt);
            WriteSource(json, link.Channel, link.InteractionId, link.StartedAt);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WritePropertyName("phoneConflicts");
        var conflicts = await WriteConflictsAsync(connection, json, subject, cancellationToken);

        json.WritePropertyName("interactions");
        var interactions = await WriteRowsAsync(connection, json, body, single: false,
            "SELECT customer_seq, interaction_id, source_id, channel, started_at, ended_at, agent, status, queue, classification, " +
            "sub_classification, feedback_score, feedback_comment, wait_seconds, handle_seconds, source, source_detail, ingested_at, " +
            "phone, customer_name FROM interactions WHERE customer_id = @customer ORDER BY customer_seq",
            subject, cancellationToken);

        json.WritePropertyName("rejections");
        var rejections = await WriteRejectionsAsync(connection, json, body, subject, cancellationToken);

        json.WritePropertyName("snapshot");
        var snapshots = await WriteSnapshotAsync(connection, json, subject, cancellationToken);

        json.WriteStartObject("counts");
        json.WriteNumber("interactions", interactions);
        json.WriteNumber("phones", subject.Phones.Count);
        json.WriteNumber("rejections", rejections);
        json.WriteNumber("phoneConflicts", conflicts);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        await body.FlushAsync(cancellationToken);
        return new ExportCounts(profile, interactions, subject.Phones.Count, rejections, snapshots, conflicts);
    }

    /// <summary>
    /// The phone link conflicts naming the customer, with its side (<c>linked</c>: the number is linked to it;
    /// <c>other</c>: its record showed the number already linked to someone else). The other party's id is left out:
    /// it is another data subject's e-mail.
    /// </summary>
    private static async Task<int> WriteConflictsAsync(MySqlConnection connection, Utf8JsonWriter json, PrivacySubject subject, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "SELECT phone, linked_customer_id = @customer, source_channel, source_interaction_id, source_started_at, detected_at " +
            "FROM phone_link_conflicts WHERE linked_customer_id = @customer OR other_customer_id = @customer ORDER BY conflict_id", connection);
        command.Parameters.AddWithValue("@customer", subject.CustomerId);
        var count = 0;
        json.WriteStartArray();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            count++;
            json.WriteStartObject();
            json.WriteString("phone", reader.GetString(0));
            json.WriteString("side", Convert.ToInt64(reader.GetValue(1)) == 1 ? "linked" : "other");
            WriteSource(json, reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc));
            json.WriteString("detectedAt", DateTime.SpecifyKind(reader.GetDateTime(5), DateTimeKind.Utc));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        return count;
    }

    private static void WriteSource(Utf8JsonWriter json, string? channel, string? interactionId, DateTime? startedAt)
    {
        json.WriteString("channel", channel);
        json.WriteString("interactionId", interactionId);
        if (startedAt is { } at)
            json.WriteString("startedAt", at);
        else
            json.WriteNull("startedAt");
    }

    private static async Task<int> WriteRejectionsAsync(MySqlConnection connection, Utf8JsonWriter json, PipeWriter body, PrivacySubject subject, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand { Connection = connection };
        var sql = new StringBuilder("SELECT rejection_id, channel, record_index, reason, raw_record, received_at FROM ingest_rejections WHERE ");
        command.CommandText = RejectionMatch.AppendWhere(sql, command.Parameters, subject).Append(" ORDER BY rejection_id").ToString();
        return await WriteAsync(command, json, body, single: false, cancellationToken);
    }

    private static async Task<int> WriteSnapshotAsync(MySqlConnection connection, Utf8JsonWriter json, PrivacySubject subject, CancellationToken cancellationToken)
    {
        // The grain's snapshot (aggregates and recent window of the log above): its existence, not its bytes.
        await using var command = new MySqlCommand(
            "SELECT ModifiedOn, LENGTH(PayloadBinary) FROM OrleansStorage WHERE GrainIdExtensionString = @customer", connection);
        command.Parameters.AddWithValue("@customer", subject.CustomerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        json.WriteStartObject();
        var exists = await reader.ReadAsync(cancellationToken);
        json.WriteBoolean("exists", exists);
        if (exists)
        {
            json.WriteString("modifiedOn", DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
            if (reader.IsDBNull(1))
                json.WriteNull("bytes");
            else
                json.WriteNumber("bytes", reader.GetInt64(1));
        }
        json.WriteEndObject();
        return exists ? 1 : 0;
    }

    private static async Task<int> WriteRowsAsync(MySqlConnection connection, Utf8JsonWriter json, PipeWriter body, bool single, string sql,
        PrivacySubject subject, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@customer", subject.CustomerId);
        return await WriteAsync(command, json, body, single, cancellationToken);
    }

    /// <summary>Rows as objects keyed by column name (an array, or with <paramref name="single"/> one object or null).</summary>
    private static async Task<int> WriteAsync(MySqlCommand command, Utf8JsonWriter json, PipeWriter body, bool single, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        var names = Enumerable.Range(0, reader.FieldCount).Select(i => JsonEncodedText.Encode(ToCamel(reader.GetName(i)))).ToArray();
        var count = 0;
        if (!single)
            json.WriteStartArray();
        while (await reader.ReadAsync(cancellationToken))
        {
            json.WriteStartObject();
            for (var i = 0; i < names.Length; i++)
            {
                if (await reader.IsDBNullAsync(i, cancellationToken))
                {
                    json.WriteNull(names[i]);
                    continue;
                }
                switch (reader.GetValue(i))
                {
                    case DateTime d: json.WriteString(names[i], DateTime.SpecifyKind(d, DateTimeKind.Utc)); break;
                    case string s: json.WriteString(names[i], s); break;
                    case byte[] b: json.WriteString(names[i], Convert.ToHexStringLower(b)); break;
                    case var v: json.WriteNumber(names[i], Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)); break;
                }
            }
            json.WriteEndObject();
            count++;
            if (json.BytesPending >= FlushBytes)
            {
                await json.FlushAsync(cancellationToken);
                await body.FlushAsync(cancellationToken);
            }
        }
        if (!single)
            json.WriteEndArray();
        else if (count == 0)
            json.WriteNullValue();
        return count;
    }

    private static string ToCamel(string column)
    {
        var sb = new StringBuilder(column.Length);
        var upper = false;
        foreach (var c in column)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }
            sb.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        return sb.ToString();
    }
}
