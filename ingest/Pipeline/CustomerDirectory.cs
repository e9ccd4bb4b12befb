using System.Data;
using System.Text;
using CxActors.Database;
using MySqlConnector;

namespace CxActors.Ingest.Pipeline;

/// <summary>
/// Who a record belongs to: its e-mail, else a phone linked to a customer. Links live in <c>customer_phones</c> and
/// are written before the records are sent to the grains, so a link never lags the interactions that made it.
/// Erased customers (LGPD tombstones) are checked in the same transaction: their records that started at or before
/// the erasure belong to nobody and make no link.
/// </summary>
public sealed class CustomerDirectory(CxDataSources dataSources, CustomerHasher hasher, TimeProvider clock)
{
    private const int LinksPerStatement = 1000;

    /// <summary>A chunk's resolution: each record's customer id (null when it has none) and whether it is an erased customer's.</summary>
    public sealed record Resolution(string?[] Customers, bool[] Erased);

    /// <summary>
    /// The customer id of each record (null when it has none), in order: a phone-only record belongs to the
    /// customer its phone was linked to by an earlier record, of this body or of an earlier one. A record of an erased
    /// customer (by e-mail, or with no e-mail by a phone that was linked to it) that started at or before the erasure is
    /// marked erased instead.
    /// </summary>
    public async Task<Resolution> ResolveAsync(IReadOnlyList<IngestRecord> records, CancellationToken cancellationToken)
    {
        var resolved = new string?[records.Count];
        var erased = new bool[records.Count];
        var subjects = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var touchesPhones = false;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Draft is not { } draft)
                continue;
            touchesPhones |= draft.Phone is not null;
            if (draft.Email is { } email)
            {
                resolved[i] = email;
                subjects.TryAdd("c" + email, hasher.Customer(email));
            }
            else if (draft.Phone is { } phone)
            {
                subjects.TryAdd("p" + phone, hasher.Phone(phone));
            }
        }
        // A chunk of e-mails alone needs no query here, as before tombstones: the grain is the authority on its
        // customer's tombstone (an erasure goes through the live activation, and a new activation reads it), so such a
        // chunk still rides out a short MySQL outage on active grains and fails within its deadline on a hung one.
        // Phones need this check: an erased customer's phone must not be linked again, and a phone-only record finds
        // its erased customer only through the phone's tombstone.
        if (!touchesPhones)
            return new Resolution(resolved, erased);
        Array.Clear(resolved);

        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        try
        {
            // REPEATABLE READ and a locking read of the tombstones: an erasure that writes one of them waits until this
            // transaction (and the links it makes) is committed, and so deletes those links afterwards. No link of an
            // erased customer can slip in behind the erasure.
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var tombstones = await Tombstones.ReadAsync(connection, transaction, subjects.Values.ToList(), lockForShare: true, cancellationToken);

            var newLinks = new Dictionary<string, string>(StringComparer.Ordinal);
            var unresolved = new List<int>();
            var phoneOnly = new bool[records.Count];
            for (var i = 0; i < records.Count; i++)
            {
                if (records[i].Draft is not { } draft)
                    continue;
                var key = draft.Email is { } e ? "c" + e : draft.Phone is { } p ? "p" + p : null;
                if (key is not null && tombstones.Count > 0
                    && tombstones.TryGetValue(CustomerHasher.Hex(subjects[key]), out var erasedAt) && draft.StartedAt <= erasedAt)
                {
                    erased[i] = true;
                    continue;
                }
                if (draft.Email is { } email)
                {
                    resolved[i] = email;
                    if (draft.Phone is { } phone)
                        newLinks.TryAdd(phone, email);
                }
                else if (draft.Phone is not null)
                {
                    unresolved.Add(i);
                    phoneOnly[i] = true;
                }
            }
            if (newLinks.Count == 0 && unresolved.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return new Resolution(resolved, erased);
            }

            var phones = unresolved.Select(i => records[i].Draft!.Phone!).Concat(newLinks.Keys).Distinct(StringComparer.Ordinal).ToList();
            var known = await PhoneLinks.ReadAsync(connection, phones, cancellationToken, transaction);

            // Walk in body order so that only earlier records' links count for a phone-only record.
            var links = new Dictionary<string, string>(known, StringComparer.Ordinal);
            for (var i = 0; i < records.Count; i++)
            {
                if (erased[i] || records[i].Draft is not { } draft || draft.Phone is not { } phone)
                    continue;
                if (resolved[i] is { } customer)
                    links.TryAdd(phone, customer);
                else if (phoneOnly[i] && links.TryGetValue(phone, out var linked))
                    resolved[i] = linked;
            }

            var toLink = newLinks.Where(l => !known.ContainsKey(l.Key)).OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var chunk in toLink.Chunk(LinksPerStatement))
            {
                await using var insert = new MySqlCommand { Connection = connection, Transaction = transaction };
                var sql = SqlInList.AppendTuples(new StringBuilder("INSERT IGNORE INTO customer_phones (phone, customer_id, linked_at) VALUES "), chunk.Length, 3);
                foreach (var (phone, customer) in chunk)
                {
                    insert.Parameters.Add(new MySqlParameter { Value = phone });
                    insert.Parameters.Add(new MySqlParameter { Value = customer });
                    insert.Parameters.Add(new MySqlParameter { Value = now });
                }
                insert.CommandText = sql.ToString();
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return new Resolution(resolved, erased);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            await StorageFailures.DiscardAsync(connection);
            throw;
        }
    }
}
