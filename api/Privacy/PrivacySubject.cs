namespace CxActors.Privacy;

/// <summary>A customer a privacy request is about: its id (the e-mail) and the phones linked to it.</summary>
public sealed record PrivacySubject(string CustomerId, IReadOnlyList<PhoneLink> Phones, bool HasProfile);

public sealed record PhoneLink(string Phone, DateTime LinkedAt);

/// <summary>Finds the subject of a request from what the caller gave: an e-mail in any case/spacing, or a linked phone.</summary>
public sealed class PrivacySubjects(CxDataSources dataSources)
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
            var digits = new string([.. id.Where(char.IsAsciiDigit)]);
            if (digits.Length == 0)
                return null;
            var links = await PhoneLinks.ReadAsync(connection, [digits], cancellationToken);
            if (!links.TryGetValue(digits, out var linked))
                return null;
            customerId = linked;
        }

        var phones = new List<PhoneLink>();
        await using (var select = new MySqlCommand("SELECT phone, linked_at FROM customer_phones WHERE customer_id = @customer ORDER BY phone", connection))
        {
            select.Parameters.AddWithValue("@customer", customerId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                phones.Add(new PhoneLink(reader.GetString(0), DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)));
        }
        await using var exists = new MySqlCommand(
            "SELECT EXISTS(SELECT 1 FROM customers WHERE customer_id = @customer) OR EXISTS(SELECT 1 FROM interactions WHERE customer_id = @customer)",
            connection);
        exists.Parameters.AddWithValue("@customer", customerId);
        var hasProfile = Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken)) == 1;
        return new PrivacySubject(customerId, phones, hasProfile);
    }
}
