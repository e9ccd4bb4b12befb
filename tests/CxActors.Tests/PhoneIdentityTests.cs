using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CxActors.Database;
using CxActors.Ingest;
using MySqlConnector;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

public sealed class PhoneIdentityFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public SiloProcess Silo { get; private set; } = null!;
    public string ReadOnlyKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        ReadOnlyKey = await SiloProcess.ProvisionKeyAsync(Database.ConnectionString, ["read"]);
        Silo = await SiloProcess.StartAsync(Database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Phone identities in E.164 through a real silo and MariaDB: one number in any form, conflicts, erasure.</summary>
public sealed class PhoneIdentityTests(PhoneIdentityFixture fixture) : IClassFixture<PhoneIdentityFixture>
{
    private HttpClient Http => fixture.Silo.Http;
    private TestDatabase Db => fixture.Database;

    /// <summary>A Salvador mobile number no other test uses: +55 71 9XXXX-XXXX.</summary>
    private static string NewMobile() => "9" + Random.Shared.Next(1000_0000, 9999_9999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject PhoneOnly(string phone, string channel, DateTime startedAtUtc, string id) => new()
    {
        ["phone"] = phone, ["channel"] = channel, ["startedAt"] = startedAtUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), ["id"] = id,
    };

    private static JsonObject WithPhone(string customer, string phone, string channel, DateTime startedAtUtc, string id)
    {
        var record = Record(customer, channel, startedAtUtc, id);
        record["phone"] = phone;
        return record;
    }

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.fff");

    [Fact]
    public async Task Three_forms_of_one_number_land_on_one_customer_and_the_link_keeps_its_record()
    {
        var customer = Interactions.NewCustomer();
        var local = NewMobile(); // 9 digits
        var e164 = "+5571" + local;
        var t = Interactions.Utc(2024, 6, 1, 9);
        var (status, answer) = await PostAsync(Http,
        [
            WithPhone(customer, $"+55 71 {local[..5]}-{local[5..]}", "CHAT", t, "f1"),
            PhoneOnly($"(71) {local[..5]}-{local[5..]}", "PHONE", t.AddHours(1), "f2"),
            PhoneOnly("71" + local, "WHATSAPP", t.AddHours(2), "f3"),
        ]);
        Assert.Equal((200, 3, 0), (status, answer.Accepted, answer.RejectedCount));
        Assert.Equal($"CHAT|{e164}\nPHONE|{e164}\nWHATSAPP|{e164}",
            await Db.TextAsync("SELECT channel, phone FROM interactions WHERE customer_id = @c ORDER BY started_at", ("@c", customer)));
        var linkId = InteractionIdentity.Compute(customer, Channel.Chat, t, "f1");
        Assert.Equal($"{customer}|CHAT|{linkId}|{Iso(t)}",
            await Db.TextAsync("SELECT customer_id, source_channel, source_interaction_id, source_started_at FROM customer_phones WHERE phone = @p", ("@p", e164)));
        Assert.Equal(linkId, await Db.ScalarAsync<string>("SELECT interaction_id FROM interactions WHERE customer_id = @c AND channel = 'CHAT'", ("@c", customer)));

        // GraphQL finds the customer by any form of the number.
        foreach (var form in new[] { e164, $"(71) {local[..5]}-{local[5..]}", "071" + local })
        {
            var data = await GraphQLCalls.QueryAsync(Http, "query($id:String!){customer(id:$id){id totalContacts}}", new { id = form });
            Assert.Equal($"{customer}|3", $"{data.GetProperty("customer").GetProperty("id").GetString()}|{data.GetProperty("customer").GetProperty("totalContacts").GetInt32()}");
        }
    }

    [Fact]
    public async Task An_invalid_number_rejects_its_record_only()
    {
        var customer = Interactions.NewCustomer();
        var t = Interactions.Utc(2024, 6, 2, 9);
        var (status, answer) = await PostAsync(Http,
        [
            WithPhone(customer, "71" + NewMobile(), "CHAT", t, "i1"),
            WithPhone(customer, "(71) 9", "CHAT", t.AddHours(1), "i2"),
            WithPhone(customer, "+999 1234567", "CHAT", t.AddHours(2), "i3"),
            Record(customer, "EMAIL", t.AddHours(3), "i4"),
        ]);
        Assert.Equal((200, 2, 2), (status, answer.Accepted, answer.RejectedCount));
        Assert.Equal(
            "1: phone: '(71) 9' is not a valid phone number (too short)\n2: phone: '+999 1234567' is not a valid phone number (unknown country code)",
            string.Join("\n", answer.Rejected.Select(r => $"{r.Record}: {r.Reason}")));
        Assert.Equal(2, await Db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id = @c", ("@c", customer)));
    }

    [Fact]
    public async Task A_second_email_is_a_conflict_recorded_once_and_phone_only_records_are_refused_not_relinked()
    {
        var linked = Interactions.NewCustomer();
        var other = Interactions.NewCustomer();
        var local = NewMobile();
        var e164 = "+5571" + local;
        var t = Interactions.Utc(2024, 6, 3, 9);
        Assert.Equal(1, (await PostAsync(Http, [WithPhone(linked, "71" + local, "PHONE", t, "c1")])).Answer.Accepted);

        JsonObject[] body =
        [
            PhoneOnly(e164, "CHAT", t.AddHours(1), "c2"),                         // before the conflict shows: refused all the same
            WithPhone(other, $"(71) {local}", "WHATSAPP", t.AddHours(2), "c3"),   // the conflict: accepted for its e-mail
            PhoneOnly("071" + local, "EMAIL", t.AddHours(3), "c4"),
        ];
        var (status, answer) = await PostAsync(Http, body);
        var reason = $"phone '{e164}' is in a phone link conflict (records with different e-mails carry it); not attributed to any customer";
        Assert.Equal((200, 1, 2), (status, answer.Accepted, answer.RejectedCount));
        Assert.Equal($"0: {reason}\n2: {reason}", string.Join("\n", answer.Rejected.Select(r => $"{r.Record}: {r.Reason}")));
        Assert.DoesNotContain(linked, answer.Rejected[0].Reason);

        // Re-delivered: the e-mail record is a duplicate, nothing is recorded twice.
        (status, answer) = await PostAsync(Http, body);
        Assert.Equal((200, 0, 1, 2), (status, answer.Accepted, answer.Duplicates, answer.RejectedCount));

        Assert.Equal(linked, await Db.ScalarAsync<string>("SELECT customer_id FROM customer_phones WHERE phone = @p", ("@p", e164)));
        var conflictRecord = InteractionIdentity.Compute(other, Channel.WhatsApp, t.AddHours(2), "c3");
        Assert.Equal($"{linked}|{other}|WHATSAPP|{conflictRecord}|{Iso(t.AddHours(2))}",
            await Db.TextAsync("SELECT linked_customer_id, other_customer_id, source_channel, source_interaction_id, source_started_at " +
                               "FROM phone_link_conflicts WHERE phone = @p", ("@p", e164)));
        Assert.Equal("1|1", await Db.TextAsync(
            "SELECT (SELECT COUNT(*) FROM interactions WHERE customer_id = @l), (SELECT COUNT(*) FROM interactions WHERE customer_id = @o)",
            ("@l", linked), ("@o", other)));
    }

    [Fact]
    public async Task PhoneConflicts_pages_in_recorded_order_for_admin_and_is_forbidden_to_read_only()
    {
        var t = Interactions.Utc(2024, 6, 4, 9);
        for (var i = 0; i < 3; i++)
        {
            var local = NewMobile();
            await PostAsync(Http, [WithPhone(Interactions.NewCustomer(), "71" + local, "CHAT", t, $"p{i}a")]);
            await PostAsync(Http, [WithPhone(Interactions.NewCustomer(), "71" + local, "EMAIL", t.AddMinutes(1), $"p{i}b")]);
        }
        // The reference: every row, in conflict_id order.
        var expected = (await Db.RowsAsync("SELECT phone, linked_customer_id, other_customer_id, source_channel FROM phone_link_conflicts ORDER BY conflict_id"))
            .Select(r => string.Join("|", r)).ToList();
        Assert.True(expected.Count >= 3);

        const string query = "query($after:String){phoneConflicts(first:2, after:$after){totalCount nodes{phone linkedCustomerId otherCustomerId channel detectedAt} pageInfo{hasNextPage endCursor}}}";
        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var page = (await GraphQLCalls.QueryAsync(Http, query, new { after })).GetProperty("phoneConflicts");
            pages++;
            Assert.Equal(expected.Count, page.GetProperty("totalCount").GetInt32());
            seen.AddRange(page.GetProperty("nodes").EnumerateArray().Select(n =>
                $"{n.GetProperty("phone").GetString()}|{n.GetProperty("linkedCustomerId").GetString()}|{n.GetProperty("otherCustomerId").GetString()}|{n.GetProperty("channel").GetString()}"));
            if (!page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean())
                break;
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
        Assert.Equal(expected, seen);
        Assert.Equal((expected.Count + 1) / 2, pages);

        // read without admin: an error with a code (the field is non-null, so data is null), no row of the list.
        using var reader = fixture.Silo.CreateClient(authenticated: false);
        reader.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", fixture.ReadOnlyKey);
        using var response = await reader.PostAsJsonAsync("/graphql", new { query = "{ __typename phoneConflicts { totalCount } }" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("FORBIDDEN|phoneConflicts needs scope admin.|Null",
            $"{body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString()}|{body.GetProperty("errors")[0].GetProperty("message").GetString()}|" +
            body.GetProperty("data").ValueKind);
        // A bad cursor is a coded error too.
        using var bad = await Http.PostAsJsonAsync("/graphql", new { query = "{ phoneConflicts(after: \"dQ\") { totalCount } }" });
        Assert.Equal("INVALID_CURSOR", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Export_names_the_customers_conflicts_and_erasure_removes_its_links_and_conflicts()
    {
        var customer = Interactions.NewCustomer();
        var other = Interactions.NewCustomer();
        var local = NewMobile();
        var e164 = "+5571" + local;
        var t = Interactions.Utc(2024, 6, 5, 9);
        await PostAsync(Http, [WithPhone(customer, "71" + local, "CHAT", t, "e1")]);
        await PostAsync(Http, [WithPhone(other, "71" + local, "EMAIL", t.AddHours(1), "e2")]);

        var (status, export) = await PrivacyHttpTests.SendAsync(Http, HttpMethod.Get, "/privacy/customers/" + Uri.EscapeDataString($"(71) {local}"));
        Assert.Equal(200, status);
        Assert.Equal(customer, export.GetProperty("customerId").GetString());
        var link = Assert.Single(export.GetProperty("phones").EnumerateArray());
        Assert.Equal($"{e164}|CHAT|{InteractionIdentity.Compute(customer, Channel.Chat, t, "e1")}",
            $"{link.GetProperty("phone").GetString()}|{link.GetProperty("channel").GetString()}|{link.GetProperty("interactionId").GetString()}");
        var conflict = Assert.Single(export.GetProperty("phoneConflicts").EnumerateArray());
        Assert.Equal($"{e164}|linked|EMAIL", $"{conflict.GetProperty("phone").GetString()}|{conflict.GetProperty("side").GetString()}|{conflict.GetProperty("channel").GetString()}");
        Assert.DoesNotContain(other, export.GetRawText());
        Assert.Equal(1, export.GetProperty("counts").GetProperty("phoneConflicts").GetInt32());

        var (eraseStatus, erased) = await PrivacyHttpTests.SendAsync(Http, HttpMethod.Delete, "/privacy/customers/" + customer);
        Assert.Equal((200, 1, 1), (eraseStatus, erased.GetProperty("phones").GetInt32(), erased.GetProperty("phoneConflicts").GetInt32()));
        Assert.Equal("0|0", await Db.TextAsync(
            "SELECT (SELECT COUNT(*) FROM customer_phones WHERE customer_id = @c OR phone = @p), " +
            "(SELECT COUNT(*) FROM phone_link_conflicts WHERE linked_customer_id = @c OR other_customer_id = @c OR phone = @p)",
            ("@c", customer), ("@p", e164)));
    }
}

/// <summary>Links stored before 080 (digits only) rewritten to E.164 by <see cref="PhoneLinkRenormalizer"/>, on a fresh database.</summary>
public sealed class PhoneLinkMigrationTests
{
    [Fact]
    public async Task Old_rows_become_E164_collapsed_forms_merge_or_conflict_invalid_ones_go_and_a_second_run_changes_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        var t0 = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await db.ExecuteAsync(
            "INSERT INTO customer_phones (phone, customer_id, linked_at) VALUES " +
            // one customer, two forms: merged, the earlier link kept
            "('71999990000', 'a@x.com', '2020-01-01 00:00:02'), ('5571999990000', 'a@x.com', '2020-01-01 00:00:01'), " +
            // two customers, two forms: the earlier link keeps the number, the other is a conflict
            "('7133334444', 'b@x.com', '2020-01-01 00:00:02'), ('557133334444', 'c@x.com', '2020-01-01 00:00:01'), " +
            // an old form colliding with a link made after 080 (E.164 already), older than it: the old link wins
            "('21999990000', 'f@x.com', '2020-01-01 00:00:01'), ('+5521999990000', 'e@x.com', '2020-01-01 00:00:05'), " +
            // the seed's 8-digit mobile (possible in Brazil, kept) and an invalid number (too short, removed)
            "('7199999999', 'g@x.com', '2020-01-01 00:00:01'), ('123', 'i@x.com', '2020-01-01 00:00:01')");
        await using var dataSource = new MySqlDataSource(db.ConnectionString);
        var clock = new FixedTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var first = await PhoneLinkRenormalizer.RunAsync(dataSource, "BR", clock, null, CancellationToken.None);
        // 6 valid old rows; 3 collapse onto a link already there (a, c, e); 2 of those between customers; '123' removed.
        Assert.Equal(new PhoneRenormalization(Rewritten: 6, Merged: 3, Conflicts: 2, Invalid: 1), first);
        Assert.Equal(
            "+5521999990000|f@x.com|2020-01-01 00:00:01.000\n" +
            "+557133334444|c@x.com|2020-01-01 00:00:01.000\n" +
            "+5571999990000|a@x.com|2020-01-01 00:00:01.000\n" +
            "+557199999999|g@x.com|2020-01-01 00:00:01.000",
            await db.TextAsync("SELECT phone, customer_id, linked_at FROM customer_phones ORDER BY phone"));
        Assert.Equal(
            "+5521999990000|f@x.com|e@x.com|NULL|2026-01-01 00:00:00.000\n" +
            "+557133334444|c@x.com|b@x.com|NULL|2026-01-01 00:00:00.000",
            await db.TextAsync("SELECT phone, linked_customer_id, other_customer_id, source_channel, detected_at FROM phone_link_conflicts ORDER BY phone"));

        Assert.Equal(new PhoneRenormalization(0, 0, 0, 0), await PhoneLinkRenormalizer.RunAsync(dataSource, "BR", clock, null, CancellationToken.None));
        Assert.Equal(2, await db.ScalarAsync<int>("SELECT COUNT(*) FROM phone_link_conflicts"));
        Assert.Equal(4, await db.ScalarAsync<int>("SELECT COUNT(*) FROM customer_phones"));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
