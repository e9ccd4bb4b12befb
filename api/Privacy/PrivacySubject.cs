using CxActors.Ingest;
using Microsoft.Extensions.Options;

namespace CxActors.Privacy;

/// <summary>A customer a privacy request is about: its id (the e-mail) and the phones linked to it.</summary>
public sealed record PrivacySubject(string CustomerId, IReadOnlyList<PhoneLink> Phones, bool HasProfile);

/// <summary>A phone link (E.164) and the record that made it (null for links made before 080_phone_identities.sql).</summary>
public sealed record PhoneLink(string Phone, DateTime LinkedAt, string? Channel, string? InteractionId, DateTime? StartedAt);

/// <summary>Finds the subject of a request from what the caller gave: an e-mail in any case/spacing, or a linked phone (any form of the number).</summary>
public sealed class PrivacySubjects(CxDataSources dataSources, IOptions<PhoneOptions> phoneOptions)
{
    /// <summary>
    /// The customer id (normalised e-mail, or the customer a phone is linked to) with its phone links and whether
    /// anything of the customer is held (customers row, log rows or phone links). Null for a phone that is not linked.
    /// </summary>
    public async Task<PrivacySubject?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        string customerId;
        if (id.Contains('@'))
        {
            customerId = CustomerIds.Normalize(id);
        }
        else
        {
            if (!Phones.TryNormalize(id, phoneOptions.Value.DefaultRegion, out var phone, out _))
                return null;
            var links = await PhoneLinks.ReadAsync(connection, [phone], cancellationToken);
            if (!links.TryGetValue(phone, out var linked))
                return null;
            customerId = linked;
        }

        var phones = new List<PhoneLink>();
        await using (var select = new MySqlCommand("SELECT phone, linked_at, source_channel, source_interaction_id, source_started_at FROM customer_phones WHERE customer_id = @customer ORDER BY phone", connection))
        {
            select.Parameters.AddWithValue("@customer", customerId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                phones.Add(new PhoneLink(reader.GetString(0), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc)));
        }
        await using var exists = new MySqlCommand(
            "SELECT EXISTS(SELECT 1 FROM customers WHERE customer_id = @customer) OR EXISTS(SELECT 1 FROM interactions WHERE customer_id = @customer)",
            connection);
        exists.Parameters.AddWithValue("@customer", customerId);
        var hasProfile = Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) == 1;
        return new PrivacySubject(customerId, phones, hasProfile);
    }
}
