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

    /// <summary>
    /// A chunk's resolution: each record's customer id (null when it has none), whether it is an erased customer's, and
    /// the reason a record is refused by its phone (a phone-only record whose number is in a link conflict), else null.
    /// </summary>
    public sealed record Resolution(string?[] Customers, bool[] Erased, string?[] Refusals);

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
        var refusals = new string?[records.Count];
        if (!touchesPhones)
            return new Resolution(resolved, erased, refusals);
        Array.Clear(resolved);

        await using var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken);
        try
        {
            // REPEATABLE READ and a locking read of the tombstones: an erasure that writes one of them waits until this
            // transaction (and the links it makes) is committed, and so deletes those links afterwards. No link of an
            // erased customer can slip in behind the erasure.
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            var tombstones = await Tombstones.ReadAsync(connection, transaction, subjects.Values.ToList(), lockForShare: true, cancellationToken);

            var withPhone = new List<int>();
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
                    if (draft.Phone is not null)
                        withPhone.Add(i);
                }
                else if (draft.Phone is not null)
                {
                    unresolved.Add(i);
                    phoneOnly[i] = true;
                }
            }
            if (withPhone.Count == 0 && unresolved.Count == 0)
            {
                await transaction.CommitAsync(cancellationToken);
                return new Resolution(resolved, erased, refusals);
            }

            var phones = unresolved.Concat(withPhone).Select(i => records[i].Draft!.Phone!).Distinct(StringComparer.Ordinal).ToList();
            var known = await PhoneLinks.ReadAsync(connection, phones, cancellationToken, transaction);
            var conflicted = await PhoneLinks.ReadConflictedAsync(connection, phones, cancellationToken, transaction);

            // Links and conflicts the chunk's e-mail records make, in body order: the first link of a number wins; a later
            // record with another e-mail shows a conflict (recorded once per number and customer, never re-linked).
            var links = new Dictionary<string, string>(known, StringComparer.Ordinal);
            var linkedBy = new Dictionary<string, int>(StringComparer.Ordinal);
            var toLink = new List<(string Phone, int Record)>();
            var conflicts = new Dictionary<(string Phone, string Other), (string Linked, int Record)>();
            foreach (var i in withPhone)
            {
                var draft = records[i].Draft!;
                var phone = draft.Phone!;
                if (!links.TryGetValue(phone, out var linked))
                {
                    links[phone] = resolved[i]!;
                    linkedBy[phone] = i;
                    toLink.Add((phone, i));
                }
                else if (!string.Equals(linked, resolved[i], StringComparison.Ordinal))
                {
                    conflicts.TryAdd((phone, resolved[i]!), (linked, i));
                    conflicted.Add(phone);
                }
            }
            // A phone-only record belongs to the customer its number was linked to by an earlier record (of an earlier
            // body, or earlier in this one), unless the number is in conflict: then it is refused, attributed to nobody.
            foreach (var i in unresolved)
            {
                var phone = records[i].Draft!.Phone!;
                if (conflicted.Contains(phone))
                    refusals[i] = $"phone '{phone}' is in a phone link conflict (records with different e-mails carry it); not attributed to any customer";
                else if (known.TryGetValue(phone, out var customer) || (linkedBy.TryGetValue(phone, out var by) && by < i && links.TryGetValue(phone, out customer)))
                    resolved[i] = customer;
            }

            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var chunk in toLink.OrderBy(l => l.Phone, StringComparer.Ordinal).Chunk(LinksPerStatement))
            {
                await using var insert = new MySqlCommand { Connection = connection, Transaction = transaction };
                var sql = SqlInList.AppendTuples(new StringBuilder(
                    "INSERT IGNORE INTO customer_phones (phone, customer_id, linked_at, source_channel, source_interaction_id, source_started_at) VALUES "), chunk.Length, 6);
                foreach (var (phone, record) in chunk)
                {
                    var draft = records[record].Draft!;
                    var customer = resolved[record]!;
                    Add(insert, phone, customer, now, draft.Channel.ToCode(), InteractionIdentity.Compute(customer, draft.Channel, draft.StartedAt, draft.SourceId), draft.StartedAt);
                }
                insert.CommandText = sql.ToString();
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            foreach (var chunk in conflicts.OrderBy(c => c.Key.Phone, StringComparer.Ordinal).ThenBy(c => c.Key.Other, StringComparer.Ordinal).Chunk(LinksPerStatement))
            {
                await using var insert = new MySqlCommand { Connection = connection, Transaction = transaction };
                var sql = SqlInList.AppendTuples(new StringBuilder(
                    "INSERT IGNORE INTO phone_link_conflicts (phone, linked_customer_id, other_customer_id, source_channel, source_interaction_id, source_started_at, detected_at) VALUES "),
                    chunk.Length, 7);
                foreach (var ((phone, other), (linked, record)) in chunk)
                {
                    var draft = records[record].Draft!;
                    Add(insert, phone, linked, other, draft.Channel.ToCode(), InteractionIdentity.Compute(other, draft.Channel, draft.StartedAt, draft.SourceId), draft.StartedAt, now);
                }
                insert.CommandText = sql.ToString();
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return new Resolution(resolved, erased, refusals);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            await StorageFailures.DiscardAsync(connection);
            throw;
        }
    }

    private static void Add(MySqlCommand command, params object?[] values)
    {
        foreach (var value in values)
            command.Parameters.Add(new MySqlParameter { Value = value ?? DBNull.Value });
    }
}
