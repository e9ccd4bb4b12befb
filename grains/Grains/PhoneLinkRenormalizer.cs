using System.Data;
using System.Text;
using CxActors.Database;
using CxActors.Ingest;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace CxActors;

/// <summary>What one renormalisation run did (counts only: no phone or e-mail).</summary>
public sealed record PhoneRenormalization(int Rewritten, int Merged, int Conflicts, int Invalid);

/// <summary>
/// Rewrites the phone links stored before <c>080_phone_identities.sql</c> (digits only) to E.164, in C# because it
/// needs libphonenumber. It runs at start-up right after the schema scripts, before the silo reports ready.
/// Resumable and idempotent: a row still to rewrite is one whose phone does not start with '+'; each batch is one
/// transaction that deletes the old rows it rewrote, so a crash loses at most a batch's work and the next start
/// continues. Silos starting together take turns through a named lock.
/// Two stored forms of one number (<c>71999990000</c>, <c>5571999990000</c>) collapse into one link: for the same
/// customer the earlier link is kept; for different customers the earlier link keeps the number (the first link wins,
/// as at ingest) and the other customer is recorded in <c>phone_link_conflicts</c> with no source record. A stored
/// form that is not a valid number is deleted: no record can carry it any more, so the link could never match.
/// </summary>
public static class PhoneLinkRenormalizer
{
    private const string LockName = "cxactors.phone-links-e164";
    private const int BatchRows = 500;

    private sealed record Link(string Phone, string CustomerId, DateTime LinkedAt, string? Channel, string? InteractionId, DateTime? StartedAt);

    public static async Task<PhoneRenormalization> RunAsync(MySqlDataSource dataSource, string defaultRegion, TimeProvider clock, ILogger? logger,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new MySqlCommand($"SELECT GET_LOCK('{LockName}', 300)", connection))
        {
            if (Convert.ToInt64(await take.ExecuteScalarAsync(cancellationToken) ?? 0L) != 1)
                throw new TimeoutException("Another silo held the phone renormalisation lock for 5 minutes.");
        }
        var total = new PhoneRenormalization(0, 0, 0, 0);
        try
        {
            while (true)
            {
                var batch = await RunBatchAsync(connection, defaultRegion, clock, cancellationToken);
                if (batch is null)
                    break;
                total = new PhoneRenormalization(total.Rewritten + batch.Rewritten, total.Merged + batch.Merged,
                    total.Conflicts + batch.Conflicts, total.Invalid + batch.Invalid);
            }
        }
        finally
        {
            await using var release = new MySqlCommand($"SELECT RELEASE_LOCK('{LockName}')", connection);
            await release.ExecuteScalarAsync(CancellationToken.None);
        }
        if (total != new PhoneRenormalization(0, 0, 0, 0))
            logger?.LogInformation("Phone links rewritten to E.164: {Rewritten} rewritten, {Merged} merged, {Conflicts} conflicts, {Invalid} invalid removed",
                total.Rewritten, total.Merged, total.Conflicts, total.Invalid);
        return total;
    }

    /// <summary>One batch in one transaction; null when nothing was left to rewrite.</summary>
    private static async Task<PhoneRenormalization?> RunBatchAsync(MySqlConnection connection, string defaultRegion, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var old = await ReadAsync(connection, transaction,
            $"WHERE phone NOT LIKE '+%' ORDER BY phone LIMIT {BatchRows} FOR UPDATE", [], cancellationToken);
        if (old.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return null;
        }

        var targets = new List<(Link Old, string E164)>();
        var invalid = 0;
        foreach (var link in old)
        {
            if (Phones.TryNormalize(link.Phone, defaultRegion, out var e164, out _))
                targets.Add((link, e164));
            else
                invalid++;
        }
        var holders = new Dictionary<string, Link>(StringComparer.Ordinal);
        var distinct = targets.Select(t => t.E164).Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 0)
        {
            var where = "WHERE phone IN (" + string.Join(',', Enumerable.Repeat('?', distinct.Count)) + ") FOR UPDATE";
            var existing = await ReadAsync(connection, transaction, where, distinct, cancellationToken);
            foreach (var link in existing)
                holders[link.Phone] = link;
        }

        // Earliest link first (then the stored form), so the outcome does not depend on how rows fall into batches.
        var conflicts = new List<(string Phone, string Linked, Link Loser)>();
        var merged = 0;
        foreach (var (link, e164) in targets.OrderBy(t => t.Old.LinkedAt).ThenBy(t => t.Old.Phone, StringComparer.Ordinal))
        {
            var moved = link with { Phone = e164 };
            if (!holders.TryGetValue(e164, out var holder))
            {
                holders[e164] = moved;
                continue;
            }
            merged++;
            var (winner, loser) = moved.LinkedAt < holder.LinkedAt ? (moved, holder) : (holder, moved);
            holders[e164] = winner;
            if (!string.Equals(winner.CustomerId, loser.CustomerId, StringComparison.Ordinal))
                conflicts.Add((e164, winner.CustomerId, loser));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using (var delete = new MySqlCommand { Connection = connection, Transaction = transaction })
        {
            delete.CommandText = SqlInList.Append(new StringBuilder("DELETE FROM customer_phones WHERE phone IN ("), delete.Parameters, old.Select(l => l.Phone))
                .Append(')').ToString();
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        var written = holders.Values.Where(h => distinct.Contains(h.Phone)).ToList();
        if (written.Count > 0)
        {
            await using var upsert = new MySqlCommand { Connection = connection, Transaction = transaction };
            var sql = SqlInList.AppendTuples(new StringBuilder(
                "INSERT INTO customer_phones (phone, customer_id, linked_at, source_channel, source_interaction_id, source_started_at) VALUES "), written.Count, 6);
            foreach (var h in written)
                AddParameters(upsert, h.Phone, h.CustomerId, h.LinkedAt, h.Channel, h.InteractionId, h.StartedAt);
            upsert.CommandText = sql.Append(" ON DUPLICATE KEY UPDATE customer_id = VALUES(customer_id), linked_at = VALUES(linked_at), " +
                "source_channel = VALUES(source_channel), source_interaction_id = VALUES(source_interaction_id), source_started_at = VALUES(source_started_at)").ToString();
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (conflicts.Count > 0)
        {
            await using var insert = new MySqlCommand { Connection = connection, Transaction = transaction };
            var sql = SqlInList.AppendTuples(new StringBuilder(
                "INSERT IGNORE INTO phone_link_conflicts (phone, linked_customer_id, other_customer_id, source_channel, source_interaction_id, source_started_at, detected_at) VALUES "),
                conflicts.Count, 7);
            foreach (var (phone, linked, loser) in conflicts)
                AddParameters(insert, phone, linked, loser.CustomerId, loser.Channel, loser.InteractionId, loser.StartedAt, now);
            insert.CommandText = sql.ToString();
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return new PhoneRenormalization(targets.Count, merged, conflicts.Count, invalid);
    }

    private static void AddParameters(MySqlCommand command, params object?[] values)
    {
        foreach (var value in values)
            command.Parameters.Add(new MySqlParameter { Value = value ?? DBNull.Value });
    }

    private static async Task<List<Link>> ReadAsync(MySqlConnection connection, MySqlTransaction transaction, string where, IReadOnlyList<string> parameters,
        CancellationToken cancellationToken)
    {
        await using var select = new MySqlCommand(
            "SELECT phone, customer_id, linked_at, source_channel, source_interaction_id, source_started_at FROM customer_phones " + where,
            connection, transaction);
        foreach (var p in parameters)
            select.Parameters.Add(new MySqlParameter { Value = p });
        var links = new List<Link>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            links.Add(new Link(reader.GetString(0), reader.GetString(1), Utc(reader.GetDateTime(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : Utc(reader.GetDateTime(5))));
        return links;
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
