using System.Security.Cryptography;
using System.Text;
using static CxActors.Tests.Infrastructure.Interactions;

namespace CxActors.Tests;

/// <summary>EraseAsync and PurgeAsync of the customer grain in the test cluster over the real storage (window of 5, snapshot every 3).</summary>
[Collection(CustomerClusterCollection.Name)]
public sealed class PrivacyGrainTests(CustomerClusterFixture fixture)
{
    private ICustomerGrain Grain(string customer) => fixture.Cluster.GrainFactory.GetCustomer(customer);

    private Task<int> SnapshotsAsync(string customer) =>
        fixture.Database.ScalarAsync<int>("SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString = @c", ("@c", customer));

    [Fact]
    public async Task Erase_deletes_log_row_and_snapshot_and_the_next_activation_refuses_records_started_before_the_tombstone()
    {
        var customer = NewCustomer();
        var batch = Enumerable.Range(0, 7).Select(i => Make(customer, Channel.Phone, Utc(2024, 3, 1).AddDays(i), $"s{i}")).ToList();
        Assert.Equal(new RecordResult(7, 0), await Grain(customer).RecordAsync(batch));
        var erasedAt = Utc(2025, 1, 1);
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(SiloProcess.TestHashKey), Encoding.UTF8.GetBytes("customer:" + customer));
        await fixture.Database.ExecuteAsync($"INSERT INTO customer_tombstones (subject_hash, erased_at) VALUES (0x{Convert.ToHexString(hash)}, '2025-01-01 00:00:00')");

        Assert.Equal(new EraseResult(7, 1, 1), await Grain(customer).EraseAsync(erasedAt));
        Assert.Equal("0|0|0", await fixture.Database.TextAsync(
            "SELECT (SELECT COUNT(*) FROM interactions WHERE customer_id = @c), (SELECT COUNT(*) FROM customers WHERE customer_id = @c), " +
            "(SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString = @c)", ("@c", customer)));

        Assert.Null(await Grain(customer).GetProfileAsync());
        var newer = Make(customer, Channel.Chat, Utc(2025, 1, 2));
        Assert.Equal(new RecordResult(1, 0) { Erased = 2, ErasedAt = erasedAt }, await Grain(customer).RecordAsync([batch[0], batch[6], newer]));
        var profile = await Grain(customer).GetProfileAsync();
        Assert.Equal((1, Utc(2025, 1, 2)), (profile!.TotalContacts, profile.FirstContactAt));
    }

    [Fact]
    public async Task Purge_keeps_what_started_at_or_after_the_cutoff_and_the_customers_row_and_grain_agree_with_it()
    {
        var customer = NewCustomer();
        var rows = new[]
        {
            Make(customer, Channel.Phone, Utc(2023, 1, 1), "p1", name: "Velho", phone: "1100000001"),
            Make(customer, Channel.Chat, Utc(2023, 6, 1), "p2"),
            Make(customer, Channel.Email, Utc(2023, 12, 31, 23, 59, 59, 999), "p3"),
            Make(customer, Channel.Chat, Utc(2024, 1, 1), "k1", name: "Novo"),
            Make(customer, Channel.WhatsApp, Utc(2024, 2, 1), "k2", phone: "1100000002"),
            Make(customer, Channel.Chat, Utc(2022, 5, 1), "p4"),
        };
        Assert.Equal(new RecordResult(6, 0), await Grain(customer).RecordAsync(rows));
        // The snapshot is written behind the append.
        for (var wait = 0; wait < 100 && await SnapshotsAsync(customer) == 0; wait++)
            await Task.Delay(50);
        Assert.Equal(1, await SnapshotsAsync(customer));

        Assert.Equal(new PurgeResult(4, 2), await Grain(customer).PurgeAsync(Utc(2024, 1, 1)));
        Assert.Equal(0, await SnapshotsAsync(customer));
        Assert.Equal($"{customer}|Novo|1100000002|2024-01-01 00:00:00.000|2024-02-01 00:00:00.000|WHATSAPP|2|0|1|1|0|5",
            await fixture.Database.TextAsync("SELECT customer_id, name, phones, first_contact_at, last_contact_at, last_channel, total_contacts, phone_contacts, " +
                                             "chat_contacts, whatsapp_contacts, email_contacts, version FROM customers WHERE customer_id = @c", ("@c", customer)));
        var profile = await Grain(customer).GetProfileAsync();
        Assert.Equal((2, "Novo", Utc(2024, 1, 1)), (profile!.TotalContacts, profile.Name, profile.FirstContactAt));
        Assert.Equal(["k2", "k1"], (await Grain(customer).GetInteractionsAsync(null, 10, null)).Nodes.Select(i => i.SourceId));
        // Again: nothing older left, nothing purged.
        Assert.Equal(new PurgeResult(0, 2), await Grain(customer).PurgeAsync(Utc(2024, 1, 1)));
        // Everything older: the customers row goes too.
        Assert.Equal(new PurgeResult(2, 0), await Grain(customer).PurgeAsync(Utc(2025, 1, 1)));
        Assert.Equal(0, await fixture.Database.ScalarAsync<int>("SELECT COUNT(*) FROM customers WHERE customer_id = @c", ("@c", customer)));
        Assert.Null(await Grain(customer).GetProfileAsync());
        Assert.Equal(new RecordResult(1, 0), await Grain(customer).RecordAsync([Make(customer, Channel.Email, Utc(2025, 2, 1))]));
    }
}
