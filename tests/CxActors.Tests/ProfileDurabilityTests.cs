using System.Text.Json;
using System.Text.Json.Nodes;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>
/// Whatever the service shows of a customer comes back identical after any stop, and no later write blanks it: the
/// log carries each record's name and phone, so snapshot + log rebuild the profile whatever was (not) snapshotted.
/// </summary>
public sealed class ProfileDurabilityTests
{
    private const string ProfileQuery =
        "query($id:String!){customer(id:$id){name phones totalContacts firstContactAt lastInteraction{id channel startedAt} " +
        "interactionCounts{channel count} interactions(first:5){totalCount nodes{id channel startedAt}}}}";

    private static JsonObject WithProfile(JsonObject record, string? name, string? phone)
    {
        if (name is not null)
            record["name"] = name;
        if (phone is not null)
            record["phone"] = phone;
        return record;
    }

    public enum Stop { Graceful, KillHard }

    [Theory]
    [InlineData(Stop.Graceful)]
    [InlineData(Stop.KillHard)]
    public async Task Name_phones_and_every_answer_survive_a_stop_and_the_next_record_keeps_them(Stop stop)
    {
        await using var db = await TestDatabase.CreateAsync();
        var customer = $"ana.{stop}@example.com".ToLowerInvariant();
        var silo = await SiloProcess.StartAsync(db.ConnectionString);
        var (status, answer) = await PostAsync(silo.Http,
        [
            WithProfile(Record(customer, "PHONE", Interactions.Utc(2024, 3, 1, 9), "p1"), "Ana Souza", "71999990000"),
            WithProfile(Record(customer, "CHAT", Interactions.Utc(2024, 3, 2, 9), "c1"), null, "71988887777"),
            Record(customer, "EMAIL", Interactions.Utc(2024, 3, 1, 12), "e1"),
        ]);
        Assert.Equal((200, 3), (status, answer.Accepted));
        var before = await GraphQLCalls.QueryAsync(silo.Http, ProfileQuery, new { id = customer });
        Assert.Equal("Ana Souza", before.GetProperty("customer").GetProperty("name").GetString());
        Assert.Equal(["+5571999990000", "+5571988887777"], before.GetProperty("customer").GetProperty("phones").EnumerateArray().Select(p => p.GetString()));

        if (stop == Stop.Graceful)
            await silo.StopAsync();
        else
            silo.KillHard();
        await silo.DisposeAsync();

        // Same ports: a killed silo's membership entry is superseded by the new generation at once.
        await using var again = await SiloProcess.StartAsync(db.ConnectionString, ports: silo.Ports);
        var after = await GraphQLCalls.QueryAsync(again.Http, ProfileQuery, new { id = customer });
        Assert.Equal(before.GetRawText(), after.GetRawText());

        // A later record without name or phone changes the counts and nothing else.
        (status, answer) = await PostAsync(again.Http, [Record(customer, "EMAIL", Interactions.Utc(2024, 3, 3, 9), "e2")]);
        Assert.Equal((200, 1), (status, answer.Accepted));
        Assert.Equal("Ana Souza|+5571999990000,+5571988887777|4|1|1|0|2",
            await db.TextAsync("SELECT name, phones, total_contacts, phone_contacts, chat_contacts, whatsapp_contacts, email_contacts FROM customers WHERE customer_id = @c", ("@c", customer)));
        var profile = (await GraphQLCalls.QueryAsync(again.Http, ProfileQuery, new { id = customer })).GetProperty("customer");
        Assert.Equal("Ana Souza", profile.GetProperty("name").GetString());
        Assert.Equal(2, profile.GetProperty("phones").GetArrayLength());
        Assert.Equal(4, profile.GetProperty("totalContacts").GetInt32());
    }

    [Theory]
    [InlineData(Stop.Graceful)]
    [InlineData(Stop.KillHard)]
    public async Task Profiles_are_identical_after_their_grains_move_to_another_silo(Stop stop)
    {
        await using var db = await TestDatabase.CreateAsync();
        var a = await SiloProcess.StartAsync(db.ConnectionString);
        await using var b = await SiloProcess.StartAsync(db.ConnectionString);
        // Ten customers through silo A: with two silos, each grain is placed on either; the chance that none is on A
        // (and so none moves when A goes) is one in a thousand.
        var customers = Enumerable.Range(0, 10).Select(i => $"mover{i}.{stop}@example.com".ToLowerInvariant()).ToList();
        var records = customers.SelectMany((c, i) => new[]
        {
            WithProfile(Record(c, "WHATSAPP", Interactions.Utc(2024, 5, 1, 8), $"{c}-1"), $"Nome {i}", $"7190000{i:D4}"),
            WithProfile(Record(c, "EMAIL", Interactions.Utc(2024, 5, 2, 8), $"{c}-2"), null, $"7180000{i:D4}"),
        }).ToList();
        var (status, answer) = await PostAsync(a.Http, records);
        Assert.Equal((200, 20), (status, answer.Accepted));
        var before = new List<string>();
        foreach (var c in customers)
            before.Add((await GraphQLCalls.QueryAsync(a.Http, ProfileQuery, new { id = c })).GetRawText());

        if (stop == Stop.Graceful)
            Assert.True(await a.StopAsync(TimeSpan.FromSeconds(30)));
        else
            a.KillHard();
        await a.DisposeAsync();

        // Through the survivor, once the cluster knows A is gone, every profile answers as before.
        for (var i = 0; i < customers.Count; i++)
        {
            string? after = null;
            for (var attempt = 0; after is null && attempt < 60; attempt++)
            {
                try { after = (await GraphQLCalls.QueryAsync(b.Http, ProfileQuery, new { id = customers[i] })).GetRawText(); }
                catch (Xunit.Sdk.XunitException) { await Task.Delay(500); } // a 503-style error while A is being declared dead
            }
            Assert.Equal(before[i], after);
        }
    }

    [Fact]
    public async Task A_customer_with_forty_phones_is_stored_with_a_bounded_summary_and_every_phone_in_the_log()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(db.ConnectionString);
        const string customer = "many.phones@example.com";
        var phones = Enumerable.Range(0, 40).Select(i => $"719{i:D8}").ToList();
        var stored = phones.ConvertAll(p => "+55" + p); // E.164
        var records = phones.Select((phone, i) => WithProfile(Record(customer, "PHONE", Interactions.Utc(2024, 5, 1).AddMinutes(i), $"m{i}"), null, phone)).ToList();

        var (status, answer) = await PostAsync(silo.Http, records);
        Assert.Equal((200, 40, 0), (status, answer.Accepted, answer.RejectedCount));
        // The customers row and the profile keep the first 20 distinct phones in log order (body order here).
        Assert.Equal(string.Join(',', stored.Take(20)), await db.TextAsync("SELECT phones FROM customers WHERE customer_id = @c", ("@c", customer)));
        var profile = (await GraphQLCalls.QueryAsync(silo.Http, ProfileQuery, new { id = customer })).GetProperty("customer");
        Assert.Equal(stored.Take(20), profile.GetProperty("phones").EnumerateArray().Select(p => p.GetString()));
        // Every record's phone is in the log.
        Assert.Equal(40, await db.ScalarAsync<int>("SELECT COUNT(DISTINCT phone) FROM interactions WHERE customer_id = @c", ("@c", customer)));

        // Re-sending succeeds (it used to be a 503 on every attempt: the phones column overflowed).
        (status, answer) = await PostAsync(silo.Http, records);
        Assert.Equal((200, 0, 40), (status, answer.Accepted, answer.Duplicates));
    }
}
