using System.Text.Json.Nodes;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>Retention against real silos: a kill -9 in the middle of a purge, a restart that finishes it.</summary>
public sealed class RetentionTests
{
    private const int Kept = 1200;    // customers with 3 interactions older than the cutoff and 1 newer
    private const int Emptied = 300;  // customers with 2 interactions, both older

    private static Dictionary<string, string> Retention(int parallelism) => new()
    {
        ["Retention:InteractionsDays"] = "30",
        ["Retention:FirstRunAfter"] = "00:00:00",
        ["Retention:Interval"] = "00:00:01",
        ["Retention:CustomersPerBatch"] = "20",
        ["Retention:Parallelism"] = parallelism.ToString(),
    };

    [Fact]
    public async Task Retention_killed_mid_purge_finishes_after_a_restart_and_customers_equal_what_remains()
    {
        await using var db = await TestDatabase.CreateAsync();
        var now = DateTime.UtcNow;
        var tag = Guid.NewGuid().ToString("N")[..6];
        var records = new List<JsonObject>();
        for (var c = 0; c < Kept + Emptied; c++)
        {
            var customer = $"ret{c:D4}.{tag}@example.com";
            var olds = c < Kept ? 3 : 2;
            for (var k = 0; k < olds; k++)
                records.Add(Record(customer, k == 0 ? "PHONE" : "CHAT", now.AddDays(-60 - k).AddMinutes(-c), $"o{c}-{k}"));
            if (c < Kept)
                records.Add(Record(customer, "EMAIL", now.AddDays(-1).AddMinutes(-c), $"n{c}"));
        }
        await using (var loader = await SiloProcess.StartAsync(db.ConnectionString))
        {
            foreach (var body in records.Chunk(3000))
            {
                var (status, answer) = await PostAsync(loader.Http, body);
                Assert.Equal((200, body.Length), (status, answer.Accepted));
            }
            Assert.True(await loader.StopAsync());
        }
        const string oldRows = "SELECT COUNT(*) FROM interactions WHERE started_at < UTC_TIMESTAMP(3) - INTERVAL 45 DAY";
        var allOld = Kept * 3 + Emptied * 2;
        Assert.Equal(allOld, await db.ScalarAsync<int>(oldRows));

        // The first purging silo dies (kill -9) with part of the set purged.
        var first = await SiloProcess.StartAsync(db.ConnectionString, Retention(parallelism: 1));
        int left;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while ((left = await db.ScalarAsync<int>(oldRows)) > allOld - 300 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        first.KillHard();
        await first.DisposeAsync();
        var ports = first.Ports;
        left = await db.ScalarAsync<int>(oldRows);
        Assert.InRange(left, 1, allOld - 1);
        Assert.Equal("", await LogConsistency.MismatchesAsync(db)); // every customer is purged whole or not at all

        // Started again, it finishes from where the table says it stopped.
        // On the same ports, as a restarted machine: the cluster sees the dead incarnation replaced at once.
        await using var second = await SiloProcess.StartAsync(db.ConnectionString, Retention(parallelism: 4), ports);
        deadline = DateTime.UtcNow.AddSeconds(180);
        while (await db.ScalarAsync<int>(oldRows) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(0, await db.ScalarAsync<int>(oldRows));

        Assert.Equal(Kept, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions"));
        Assert.Equal("", await LogConsistency.MismatchesAsync(db));
        Assert.Equal($"{Kept}|{Kept}|0|0|0|{Kept}", await db.TextAsync(
            "SELECT COUNT(*), SUM(total_contacts), SUM(phone_contacts), SUM(chat_contacts), SUM(whatsapp_contacts), SUM(email_contacts) FROM customers"));
        // The grains answer what remains (customer 0's grain was purged and reactivates from the log).
        var data = await GraphQLCalls.QueryAsync(second.Http, "query($id:String!){customer(id:$id){totalContacts interactionCounts{channel count}}}",
            new { id = $"ret0000.{tag}@example.com" });
        Assert.Equal("{\"totalContacts\":1,\"interactionCounts\":[{\"channel\":\"EMAIL\",\"count\":1}]}", data.GetProperty("customer").GetRawText());
        Assert.Equal(JsonValueKindNull, (await GraphQLCalls.QueryAsync(second.Http, "query($id:String!){customer(id:$id){totalContacts}}",
            new { id = $"ret{Kept:D4}.{tag}@example.com" })).GetProperty("customer").ValueKind);

        // Audited per batch (counts only); the batch in flight at the kill was purged but not audited, so the audit
        // counts at most every purged row and at least those purged after the restart.
        var audited = await db.ScalarAsync<int>("SELECT COALESCE(SUM(JSON_VALUE(counts, '$.interactions')), 0) FROM privacy_requests WHERE request_type = 'retention' AND customer_hash IS NULL AND requested_by = 'retention'");
        Assert.InRange(audited, left, allOld);
        // The service's own lines name no customer. (Orleans' messaging errors name the grain, whose key is the e-mail,
        // when a call meets the killed silo's stale directory entry right after the restart: see the README.)
        var retentionLines = second.Output.Split('\n').Where(l => l.Contains("Retention", StringComparison.Ordinal)).ToList();
        Assert.Contains(retentionLines, l => l.Contains("Retention purged", StringComparison.Ordinal));
        Assert.DoesNotContain(retentionLines, l => l.Contains('@'));
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
