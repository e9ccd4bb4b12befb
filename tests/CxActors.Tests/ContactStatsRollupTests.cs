using CxActors.Database;
using static CxActors.Tests.Infrastructure.Interactions;

namespace CxActors.Tests;

/// <summary>
/// contact_stats_hourly against a GROUP BY over interactions, through the real log writer: random ingest, re-delivery,
/// late arrivals, erasure and retention purges; and the migration's fill of a database that held interactions first.
/// </summary>
[Collection(CustomerClusterCollection.Name)]
public sealed class ContactStatsRollupTests(CustomerClusterFixture fixture)
{
    private static readonly Channel[] AllChannels = [Channel.Phone, Channel.Chat, Channel.WhatsApp, Channel.Email];

    [Fact]
    public async Task Rollups_equal_a_group_by_over_the_log_after_ingest_redelivery_late_arrivals_erasure_and_purge()
    {
        var random = new Random(11);
        var customers = Enumerable.Range(0, 24).Select(_ => NewCustomer()).ToList();
        var sent = customers.ToDictionary(c => c, _ => new List<Interaction>());
        var origin = Utc(2021, 3, 1);
        Interaction Random(string customer) =>
            // Hours apart by up to 30 days, so flushes touch many hours and many customers share hours.
            Make(customer, AllChannels[random.Next(4)], origin.AddMinutes(random.Next(30 * 24 * 60)).AddMilliseconds(random.Next(60_000)), $"r{random.NextInt64()}");

        // Random ingest: several calls per customer, concurrently (the two writer loops flush many customers at once).
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(customers.Select(async c =>
            {
                var batch = Enumerable.Range(0, random.Next(1, 12)).Select(_ => Random(c)).ToList();
                lock (sent)
                    sent[c].AddRange(batch);
                await Grain(c).RecordAsync(batch);
            }).ToList());
        }
        Assert.Equal("", await LogConsistency.MismatchesAsync(fixture.Database));

        // Re-delivery: everything again (the recent window is 5, so most are found in the log, not in memory), mixed with
        // late arrivals (started before every interaction the customer has); grains reactivated from storage first.
        await fixture.DeactivateAllAsync();
        var late = new List<Interaction>();
        foreach (var c in customers)
        {
            var older = Make(c, AllChannels[random.Next(4)], origin.AddDays(-random.Next(1, 400)).AddMinutes(random.Next(1440)), $"late{random.NextInt64()}");
            late.Add(older);
            var result = await Grain(c).RecordAsync([.. sent[c], older]);
            Assert.Equal((1, sent[c].Count), (result.Accepted, result.Duplicates));
            sent[c].Add(older);
        }
        Assert.Equal(sent.Values.Sum(s => s.Count), await CountAsync(customers));
        Assert.Equal("", await LogConsistency.MismatchesAsync(fixture.Database));

        // Erasure of a third of the customers, purges of another third at random cutoffs.
        var remaining = 0;
        for (var i = 0; i < customers.Count; i++)
        {
            var c = customers[i];
            if (i % 3 == 0)
            {
                Assert.Equal(sent[c].Count, (await Grain(c).EraseAsync(Utc(2030, 1, 1))).Interactions);
            }
            else if (i % 3 == 1)
            {
                var cutoff = origin.AddDays(random.Next(-10, 31));
                var expected = sent[c].Count(s => s.StartedAt < cutoff);
                Assert.Equal(expected, (await Grain(c).PurgeAsync(cutoff)).Purged);
                remaining += sent[c].Count - expected;
            }
            else
            {
                remaining += sent[c].Count;
            }
        }
        Assert.Equal(remaining, await CountAsync(customers));
        Assert.Equal("", await LogConsistency.MismatchesAsync(fixture.Database));
    }

    [Fact]
    public async Task The_migration_fills_the_rollups_from_interactions_stored_before_it_and_running_it_again_never_counts_twice()
    {
        await using var db = await TestDatabase.CreateAsync();
        // Interactions stored by hand, as a database of the version before rollups holds them; then the table and its
        // record removed, as if 060 had never run.
        var random = new Random(60);
        var values = Enumerable.Range(0, 3000).Select(n =>
        {
            var started = Utc(2019, 1, 1).AddSeconds(random.Next(90 * 24 * 3600)).AddMilliseconds(random.Next(1000));
            return $"('m{n % 97}@example.com', {n}, '{n:x32}', '{AllChannels[random.Next(4)].ToCode()}', '{started:yyyy-MM-dd HH:mm:ss.fff}', 'api', UTC_TIMESTAMP(3))";
        });
        await db.ExecuteAsync("DROP VIEW v_contacts_daily");
        await db.ExecuteAsync("DROP TABLE contact_stats_hourly");
        await db.ExecuteAsync("DELETE FROM schema_version WHERE script = '060_contact_stats.sql'");
        await db.ExecuteAsync("INSERT INTO interactions (customer_id, customer_seq, interaction_id, channel, started_at, source, ingested_at) VALUES " + string.Join(',', values));

        await SchemaMigrator.ApplyAsync(db.ConnectionString, logger: null, CancellationToken.None);
        Assert.Equal("", await LogConsistency.RollupMismatchesAsync(db));
        Assert.Equal(3000, await db.ScalarAsync<int>("SELECT SUM(contacts) FROM contact_stats_hourly"));
        Assert.Equal(await db.TextAsync("SELECT CAST(started_at AS DATE), channel, COUNT(*) FROM interactions GROUP BY 1, 2 ORDER BY 1, 2"),
            await db.TextAsync("SELECT day, channel, contacts FROM v_contacts_daily ORDER BY day, channel"));

        // Interrupted after the fill, before the script was recorded; and interrupted with the table half-filled and
        // wrong: the script runs again and the counts are still exact.
        await db.ExecuteAsync("DELETE FROM schema_version WHERE script = '060_contact_stats.sql'");
        await SchemaMigrator.ApplyAsync(db.ConnectionString, logger: null, CancellationToken.None);
        Assert.Equal("", await LogConsistency.RollupMismatchesAsync(db));
        await db.ExecuteAsync("DELETE FROM contact_stats_hourly WHERE channel = 'CHAT'");
        await db.ExecuteAsync("UPDATE contact_stats_hourly SET contacts = contacts + 5 WHERE channel = 'EMAIL'");
        await db.ExecuteAsync("DELETE FROM schema_version WHERE script = '060_contact_stats.sql'");
        await SchemaMigrator.ApplyAsync(db.ConnectionString, logger: null, CancellationToken.None);
        Assert.Equal("", await LogConsistency.RollupMismatchesAsync(db));
        Assert.Equal(3000, await db.ScalarAsync<int>("SELECT SUM(contacts) FROM contact_stats_hourly"));
    }

    private ICustomerGrain Grain(string customer) => fixture.Cluster.GrainFactory.GetCustomer(customer);

    private Task<int> CountAsync(List<string> customers) => fixture.Database.ScalarAsync<int>(
        $"SELECT COUNT(*) FROM interactions WHERE customer_id IN ({string.Join(',', customers.Select(c => $"'{c}'"))})");
}
