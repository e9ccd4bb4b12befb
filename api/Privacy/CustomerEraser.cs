using System.Text;

namespace CxActors.Privacy;

/// <summary>What an erasure removed, for the answer and the audit.</summary>
public sealed record EraseCounts(int Interactions, int CustomerRows, int Snapshots, int Phones, int Rejections, DateTime ErasedAt, int PhoneConflicts);

/// <summary>
/// LGPD erasure. Order matters, and each step is safe to run again:
/// 1. the tombstones (the customer id's and each linked phone's keyed hash, with the erasure time) are committed
///    first: from then on the ingest pipeline's per-chunk check and any new activation of the customer's grain refuse
///    records started at or before it. Writing them waits for any ingest chunk that has already read the tombstones
///    under a share lock, so the phone links such a chunk makes are committed before step 3 deletes them;
/// 2. the customer's grain erases the log rows, the customers row and its snapshot through its own log writer loop,
///    after its in-flight appends, and deactivates;
/// 3. the phone links, the phone link conflicts that name the customer (on either side) and the stored rejections that
///    name the customer are deleted.
/// </summary>
public sealed class CustomerEraser(CxDataSources dataSources, CustomerHasher hasher, IGrainFactory grains, TimeProvider clock)
{
    private const int GrainAttempts = 10;

    public async Task<EraseCounts> EraseAsync(PrivacySubject subject, CancellationToken cancellationToken)
    {
        var erasedAt = InteractionIdentity.NormalizeUtc(clock.GetUtcNow().UtcDateTime);
        await using (var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken))
        {
            var hashes = new List<byte[]> { hasher.Customer(subject.CustomerId) };
            hashes.AddRange(subject.Phones.Select(p => hasher.Phone(p.Phone)));
            await using var insert = new MySqlCommand { Connection = connection };
            var sql = SqlInList.AppendTuples(new StringBuilder("INSERT INTO customer_tombstones (subject_hash, erased_at) VALUES "), hashes.Count, 2);
            foreach (var hash in hashes)
            {
                insert.Parameters.Add(new MySqlParameter { Value = hash });
                insert.Parameters.Add(new MySqlParameter { Value = erasedAt });
            }
            insert.CommandText = sql.Append(" ON DUPLICATE KEY UPDATE erased_at = GREATEST(erased_at, VALUES(erased_at))").ToString();
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var grain = await EraseGrainAsync(subject.CustomerId, erasedAt, cancellationToken);

        await using (var connection = await dataSources.Reads.OpenConnectionAsync(cancellationToken))
        {
            await using var phones = new MySqlCommand("DELETE FROM customer_phones WHERE customer_id = @customer", connection);
            phones.Parameters.AddWithValue("@customer", subject.CustomerId);
            var phoneRows = await phones.ExecuteNonQueryAsync(cancellationToken);

            await using var conflicts = new MySqlCommand(
                "DELETE FROM phone_link_conflicts WHERE linked_customer_id = @customer OR other_customer_id = @customer", connection);
            conflicts.Parameters.AddWithValue("@customer", subject.CustomerId);
            var conflictRows = await conflicts.ExecuteNonQueryAsync(cancellationToken);

            await using var rejections = new MySqlCommand { Connection = connection };
            rejections.CommandText = RejectionMatch.AppendWhere(new StringBuilder("DELETE FROM ingest_rejections WHERE "), rejections.Parameters, subject).ToString();
            var rejectionRows = await rejections.ExecuteNonQueryAsync(cancellationToken);
            return new EraseCounts(grain.Interactions, grain.CustomerRows, grain.Snapshots, phoneRows, rejectionRows, erasedAt, conflictRows);
        }
    }

    /// <summary>The grain call, again while its activation is reloading or its silo is going away.</summary>
    private async Task<EraseResult> EraseGrainAsync(string customerId, DateTime erasedAt, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await grains.GetCustomer(customerId).EraseAsync(erasedAt).WaitAsync(cancellationToken);
            }
            catch (Exception ex) when (attempt < GrainAttempts && StorageFailures.IsUnavailable(ex) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }
}
