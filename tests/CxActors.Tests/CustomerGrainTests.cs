using static CxActors.Tests.Infrastructure.Interactions;

namespace CxActors.Tests;

[Collection(CustomerClusterCollection.Name)]
public sealed class CustomerGrainTests(CustomerClusterFixture fixture)
{
    private ICustomerGrain Grain(string customer) => fixture.Cluster.GrainFactory.GetGrain<ICustomerGrain>(customer);

    [Fact]
    public async Task Records_a_batch_once_and_acknowledges_a_redelivery_as_duplicates()
    {
        var customer = NewCustomer();
        var batch = new[]
        {
            Make(customer, Channel.Phone, Utc(2024, 3, 1, 10), name: "Paulo Rodrigues", phone: "7199999999"),
            Make(customer, Channel.Chat, Utc(2024, 3, 2, 11)),
            Make(customer, Channel.Email, Utc(2024, 3, 3, 12)),
        };

        Assert.Equal(new RecordResult(3, 0), await Grain(customer).RecordAsync(batch));
        Assert.Equal(new RecordResult(0, 3), await Grain(customer).RecordAsync(batch));

        Assert.Equal(
            "1|PHONE|2024-03-01 10:00:00.000\n2|CHAT|2024-03-02 11:00:00.000\n3|EMAIL|2024-03-03 12:00:00.000",
            await fixture.Database.TextAsync(
                "SELECT customer_seq, channel, started_at FROM interactions WHERE customer_id = @c ORDER BY customer_seq", ("@c", customer)));
        Assert.Equal(
            $"{customer}|Paulo Rodrigues|7199999999|2024-03-01 10:00:00.000|2024-03-03 12:00:00.000|EMAIL|3|1|1|0|1|3",
            await fixture.Database.TextAsync(
                "SELECT email, name, phones, first_contact_at, last_contact_at, last_channel, total_contacts, phone_contacts, chat_contacts, whatsapp_contacts, email_contacts, version FROM customers WHERE customer_id = @c",
                ("@c", customer)));
    }

    [Fact]
    public async Task GetCustomer_makes_the_same_reference_as_GetGrain_every_time()
    {
        var factory = fixture.Cluster.GrainFactory;
        var first = NewCustomer();
        var second = NewCustomer();
        // The first call resolves the types, later ones reuse them: both must address the same grain as GetGrain.
        Assert.Equal(Grain(first).GetGrainId(), factory.GetCustomer(first).GetGrainId());
        Assert.Equal(Grain(second).GetGrainId(), factory.GetCustomer(second).GetGrainId());
        Assert.Equal(new RecordResult(1, 0), await factory.GetCustomer(second).RecordAsync([Make(second, Channel.Chat, Utc(2024, 5, 1, 8))]));
        Assert.Equal(1, (await Grain(second).GetProfileAsync())!.TotalContacts);
    }

    [Fact]
    public async Task An_interaction_id_that_is_not_an_identity_hash_is_refused_and_nothing_is_logged()
    {
        var customer = NewCustomer();
        var good = Make(customer, Channel.Chat, Utc(2024, 5, 1, 8));
        var bad = Make(customer, Channel.Chat, Utc(2024, 5, 1, 9)) with { Id = "chat-1" };
        await Assert.ThrowsAsync<ArgumentException>(() => Grain(customer).RecordAsync([good, bad]));
        Assert.Equal(0, await fixture.Database.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id = @c", ("@c", customer)));
        Assert.Equal(new RecordResult(1, 0), await Grain(customer).RecordAsync([good]));
    }

    [Fact]
    public async Task The_same_interaction_twice_in_one_batch_counts_once()
    {
        var customer = NewCustomer();
        var once = Make(customer, Channel.WhatsApp, Utc(2024, 5, 1, 8));
        Assert.Equal(new RecordResult(1, 1), await Grain(customer).RecordAsync([once, once]));
        Assert.Equal(1, await fixture.Database.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id = @c", ("@c", customer)));
    }

    [Fact]
    public async Task The_source_id_is_the_identity_when_given()
    {
        var customer = NewCustomer();
        var original = Make(customer, Channel.Chat, Utc(2024, 5, 1, 8), sourceId: "chat-42");
        var corrected = Make(customer, Channel.Chat, Utc(2024, 5, 1, 9), sourceId: "chat-42");
        var another = Make(customer, Channel.Chat, Utc(2024, 5, 1, 8), sourceId: "chat-43");

        Assert.Equal(new RecordResult(1, 0), await Grain(customer).RecordAsync([original]));
        Assert.Equal(new RecordResult(1, 1), await Grain(customer).RecordAsync([corrected, another]));
        var profile = await Grain(customer).GetProfileAsync();
        Assert.Equal(2, profile!.TotalContacts);
    }

    [Fact]
    public async Task A_late_arrival_leaves_first_and_last_contact_right()
    {
        var customer = NewCustomer();
        await Grain(customer).RecordAsync([Make(customer, Channel.Chat, Utc(2024, 6, 10, 10), name: "Newer Name")]);
        await Grain(customer).RecordAsync([Make(customer, Channel.Phone, Utc(2024, 6, 9, 9), name: "Older Name")]);

        var profile = await Grain(customer).GetProfileAsync();
        Assert.NotNull(profile);
        Assert.Equal(Channel.Chat, profile.LastInteraction.Channel);
        Assert.Equal(Utc(2024, 6, 10, 10), profile.LastInteraction.StartedAt);
        Assert.Equal(Utc(2024, 6, 9, 9), profile.FirstContactAt);
        Assert.Equal("Newer Name", profile.Name);
        Assert.Equal([new ChannelCount(Channel.Phone, 1), new ChannelCount(Channel.Chat, 1)], profile.ChannelCounts);
        Assert.Equal("CHAT|2024-06-10 10:00:00.000|2024-06-09 09:00:00.000|Newer Name", await fixture.Database.TextAsync(
            "SELECT last_channel, last_contact_at, first_contact_at, name FROM customers WHERE customer_id = @c", ("@c", customer)));
    }

    [Fact]
    public async Task Counts_windows_exactly_at_their_boundaries()
    {
        var customer = NewCustomer();
        var asOf = Utc(2024, 7, 2, 12);
        await Grain(customer).RecordAsync(
        [
            Make(customer, Channel.Phone, asOf.AddHours(-24)),                     // on the open end: out
            Make(customer, Channel.Chat, asOf.AddHours(-24).AddMilliseconds(1)),   // in
            Make(customer, Channel.Email, asOf),                                   // on the closed end: in
            Make(customer, Channel.Email, asOf.AddMilliseconds(1)),                // after: out
        ]);

        Assert.Equal(2, await Grain(customer).CountContactsAsync(asOf.AddHours(-24), asOf, null));
        Assert.Equal(1, await Grain(customer).CountContactsAsync(asOf.AddHours(-24), asOf, Channel.Email));
        Assert.Equal(0, await Grain(customer).CountContactsAsync(asOf.AddHours(-24), asOf, Channel.Phone));
        Assert.Equal(4, await Grain(customer).CountContactsAsync(DateTime.MinValue, DateTime.MaxValue, null));
    }

    [Fact]
    public async Task Answers_past_the_recent_window_from_the_interactions_table()
    {
        var customer = NewCustomer();
        var grain = Grain(customer);
        // Eight hourly contacts, alternating phone and chat, one per call; the window keeps the newest five.
        var all = Enumerable.Range(1, 8)
            .Select(h => Make(customer, h % 2 == 0 ? Channel.Chat : Channel.Phone, Utc(2023, 1, 1, h)))
            .ToList();
        foreach (var interaction in all)
            await grain.RecordAsync([interaction]);

        // A re-delivery older than the window is only known to the table.
        Assert.Equal(new RecordResult(0, 1), await grain.RecordAsync([all[0]]));
        // A late arrival older than the window is new.
        Assert.Equal(new RecordResult(1, 0), await grain.RecordAsync([Make(customer, Channel.Email, Utc(2022, 12, 31, 23))]));

        Assert.Equal(9, await grain.CountContactsAsync(DateTime.MinValue, DateTime.MaxValue, null));
        // (Dec 31 00:00, Jan 1 02:00]: the 23:00 e-mail, the 01:00 phone call and the 02:00 chat.
        Assert.Equal(3, await grain.CountContactsAsync(Utc(2022, 12, 31), Utc(2023, 1, 1, 2), null));
        Assert.Equal(4, await grain.CountContactsAsync(DateTime.MinValue, DateTime.MaxValue, Channel.Phone));

        // Walk all nine pages of size 2, newest first, across the window's edge.
        var walked = new List<DateTime>();
        InteractionCursor? cursor = null;
        var pages = 0;
        while (true)
        {
            var page = await grain.GetInteractionsAsync(null, 2, cursor);
            Assert.Equal(9, page.TotalCount);
            walked.AddRange(page.Nodes.Select(n => n.StartedAt));
            pages++;
            if (!page.HasNextPage)
                break;
            cursor = new InteractionCursor(page.Nodes[^1].StartedAt, page.Nodes[^1].Id);
        }
        Assert.Equal(5, pages);
        var expected = Enumerable.Range(1, 8).Reverse().Select(h => Utc(2023, 1, 1, h)).Append(Utc(2022, 12, 31, 23)).ToList();
        Assert.Equal(expected, walked);

        var phones = await grain.GetInteractionsAsync(Channel.Phone, 10, null);
        Assert.Equal([Utc(2023, 1, 1, 7), Utc(2023, 1, 1, 5), Utc(2023, 1, 1, 3), Utc(2023, 1, 1, 1)], phones.Nodes.Select(n => n.StartedAt));
        Assert.False(phones.HasNextPage);
        Assert.Equal(4, phones.TotalCount);
    }

    [Fact]
    public async Task State_survives_deactivation_through_snapshot_and_log_replay()
    {
        var customer = NewCustomer();
        // Four calls: the snapshot is written after three interactions, the fourth is only in the log.
        for (var day = 1; day <= 4; day++)
            await Grain(customer).RecordAsync([Make(customer, Channel.Email, Utc(2024, 2, day), phone: $"1100000000{day}")]);
        var before = await Grain(customer).GetProfileAsync();

        await fixture.DeactivateAllAsync();
        // Deactivation wrote the snapshot through the ADO.NET provider: it now holds all four.
        Assert.Contains("\"LogPosition\":4,", await fixture.Database.TextAsync(
            "SELECT CONVERT(PayloadBinary USING utf8mb4) FROM OrleansStorage WHERE GrainTypeString = 'customer' AND GrainIdExtensionString = @c",
            ("@c", customer)));

        var after = await Grain(customer).GetProfileAsync();
        Assert.NotNull(after);
        Assert.Equal(4, after.TotalContacts);
        Assert.Equal(Utc(2024, 2, 4), after.LastInteraction.StartedAt);
        Assert.Equal(before!.Phones, after.Phones);
        Assert.Equal(["11000000001", "11000000002", "11000000003", "11000000004"], after.Phones);
        Assert.Equal(new RecordResult(0, 1), await Grain(customer).RecordAsync([Make(customer, Channel.Email, Utc(2024, 2, 4))]));
    }

    [Fact]
    public async Task Name_and_phones_come_back_from_the_log_alone_when_no_snapshot_holds_them()
    {
        var customer = NewCustomer();
        await Grain(customer).RecordAsync([Make(customer, Channel.Phone, Utc(2024, 4, 1), name: "Bia Lima", phone: "71911112222")]);
        await Grain(customer).RecordAsync([Make(customer, Channel.Chat, Utc(2024, 4, 2), phone: "71933334444")]);
        // A late arrival with an older name does not rename the customer.
        await Grain(customer).RecordAsync([Make(customer, Channel.Email, Utc(2024, 3, 1), name: "Beatriz")]);
        var before = await Grain(customer).GetProfileAsync();
        Assert.Equal(("Bia Lima", 3), (before!.Name, before.TotalContacts));

        // Deactivation (the idle path) writes a snapshot; remove it, as if the silo had died before writing any.
        await fixture.DeactivateAllAsync();
        await fixture.Database.ExecuteAsync(
            $"DELETE FROM OrleansStorage WHERE GrainTypeString = 'customer' AND GrainIdExtensionString = '{customer}'");

        var after = await Grain(customer).GetProfileAsync();
        Assert.Equal(("Bia Lima", 3), (after!.Name, after.TotalContacts));
        Assert.Equal(["71911112222", "71933334444"], after.Phones);
        Assert.Equal(before.LastInteraction.Id, after.LastInteraction.Id);
        // The next record keeps them in the customers row (it used to blank name and phones after a restart).
        await Grain(customer).RecordAsync([Make(customer, Channel.Email, Utc(2024, 4, 3))]);
        Assert.Equal("Bia Lima|71911112222,71933334444|4", await fixture.Database.TextAsync(
            "SELECT name, phones, total_contacts FROM customers WHERE customer_id = @c", ("@c", customer)));
    }

    [Fact]
    public async Task An_append_refused_by_MySQL_takes_down_the_overlapping_append_it_was_counted_in()
    {
        // The two calls overlap only when the second reaches the grain before the first's failure has deactivated it:
        // usually, but not on a stalled machine (CI once saw the second land on a fresh activation and, rightly, stored).
        // So: new customers until one pair overlapped, and every pair exact for what happened to it.
        var overlapped = false;
        for (var attempt = 0; attempt < 5 && !overlapped; attempt++)
        {
            var customer = NewCustomer();
            var grain = Grain(customer);
            // A score MySQL refuses (the ingest adapters never send one) and a valid record, in overlapping calls: the
            // second call's customers row counts the first one's row, so it must not be committed either.
            var refused = Make(customer, Channel.Chat, Utc(2024, 9, 1, 8), score: 300);
            var valid = Make(customer, Channel.Email, Utc(2024, 9, 1, 9));
            var first = grain.RecordAsync([refused]);
            var second = grain.RecordAsync([valid]);
            await Assert.ThrowsAsync<CustomerUnavailableException>(() => first);
            RecordResult? stored = null;
            try
            {
                stored = await second;
            }
            catch (CustomerUnavailableException)
            {
                overlapped = true;
            }

            if (overlapped)
            {
                Assert.Equal(0, await fixture.Database.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id = @c", ("@c", customer)));
                Assert.Equal(0, await fixture.Database.ScalarAsync<int>("SELECT COUNT(*) FROM customers WHERE customer_id = @c", ("@c", customer)));
                // The caller retries the valid one against a fresh activation: exact counts everywhere.
                for (var retry = 0; stored is null && retry < 20; retry++)
                {
                    try { stored = await grain.RecordAsync([valid]); }
                    catch (CustomerUnavailableException) { await Task.Delay(100); }
                }
            }
            // Either way the valid record is stored once, and only it is counted.
            Assert.Equal(new RecordResult(1, 0), stored);
            Assert.Equal(1, await fixture.Database.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id = @c", ("@c", customer)));
            Assert.Equal("1|0|1", await fixture.Database.TextAsync(
                "SELECT total_contacts, chat_contacts, email_contacts FROM customers WHERE customer_id = @c", ("@c", customer)));
            Assert.Equal(1, (await grain.GetProfileAsync())!.TotalContacts);
        }
        Assert.True(overlapped, "in 5 attempts the second call never reached the grain before the first one's failure");
    }
}
