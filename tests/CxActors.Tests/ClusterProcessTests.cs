using System.Collections.Concurrent;
using MySqlConnector;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>Real silo processes over one real MySQL: clustering, restarts, kill -9, a MySQL outage.</summary>
public sealed class ClusterProcessTests
{
    [Fact]
    public async Task Two_silos_form_one_cluster_and_serve_the_same_customer_consistently()
    {
        await using var db = await TestDatabase.CreateAsync();
        // Both start at once on an empty database: the schema is applied once, under a MySQL named lock.
        var starting = new[] { SiloProcess.StartAsync(db.ConnectionString), SiloProcess.StartAsync(db.ConnectionString) };
        await using var first = await starting[0];
        await using var second = await starting[1];
        Assert.Equal(CxActors.Database.SchemaMigrator.EmbeddedScripts().Count, await db.ScalarAsync<int>("SELECT COUNT(*) FROM schema_version"));

        var customer = Interactions.NewCustomer();
        var records = Enumerable.Range(0, 6)
            .Select(i => Record(customer, i % 2 == 0 ? "PHONE" : "WHATSAPP", Interactions.Utc(2024, 4, 1, 8 + i)))
            .ToList();
        var (status, answer) = await PostAsync(first.Http, records);
        Assert.Equal((200, 6, 0), (status, answer.Accepted, answer.Duplicates));

        // The re-delivery through the other silo reaches the same activation: all duplicates.
        (status, answer) = await PostAsync(second.Http, records);
        Assert.Equal((200, 0, 6), (status, answer.Accepted, answer.Duplicates));

        Assert.Equal(6, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id = @c", ("@c", customer)));
        Assert.Equal("6|3|3", await db.TextAsync(
            "SELECT total_contacts, phone_contacts, whatsapp_contacts FROM customers WHERE customer_id = @c", ("@c", customer)));
        // Status 3 is Active in Orleans' membership table.
        Assert.Equal(2, await db.ScalarAsync<int>("SELECT COUNT(*) FROM OrleansMembershipTable WHERE Status = 3"));
    }

    [Fact]
    public async Task Duplicates_are_recognised_after_a_full_restart()
    {
        await using var db = await TestDatabase.CreateAsync();
        var customer = Interactions.NewCustomer();
        var records = Enumerable.Range(0, 4).Select(i => Record(customer, "CHAT", Interactions.Utc(2024, 4, 2, 8 + i), id: $"chat-{i}")).ToList();

        await using (var silo = await SiloProcess.StartAsync(db.ConnectionString))
        {
            var (_, answer) = await PostAsync(silo.Http, records);
            Assert.Equal(4, answer.Accepted);
            await silo.StopAsync();
        }
        await using (var silo = await SiloProcess.StartAsync(db.ConnectionString))
        {
            var (status, answer) = await PostAsync(silo.Http, records.Append(Record(customer, "CHAT", Interactions.Utc(2024, 4, 2, 20), id: "chat-9")));
            Assert.Equal((200, 1, 4), (status, answer.Accepted, answer.Duplicates));
        }
        Assert.Equal("5|5", await db.TextAsync("SELECT total_contacts, chat_contacts FROM customers WHERE customer_id = @c", ("@c", customer)));
    }

    [Fact]
    public async Task A_silo_killed_during_sustained_ingest_loses_no_acknowledged_interaction()
    {
        await using var db = await TestDatabase.CreateAsync();
        var silo = await SiloProcess.StartAsync(db.ConnectionString);
        var acknowledged = new ConcurrentBag<(string Customer, string Id)>();
        using var stop = new CancellationTokenSource();

        // Four clients post batches of 50 interactions over 200 customers until the silo dies.
        var clients = Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
        {
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                var records = Enumerable.Range(0, 50).Select(i =>
                {
                    var customer = $"kill{(client * 50 + i) % 200}@example.com";
                    return (customer, id: $"c{client}-b{batch}-r{i}");
                }).ToList();
                try
                {
                    var (status, answer) = await PostAsync(silo.Http,
                        records.Select(r => Record(r.customer, "EMAIL", Interactions.Utc(2024, 1, 1).AddMinutes(batch), r.id)), stop.Token);
                    if (status != 200)
                        return;
                    Assert.Equal(50, answer.Accepted);
                    foreach (var r in records)
                        acknowledged.Add(r);
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or TaskCanceledException)
                {
                    return;
                }
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3));
        silo.KillHard();
        stop.Cancel();
        await Task.WhenAll(clients);
        await silo.DisposeAsync();
        Assert.True(acknowledged.Count >= 200, $"only {acknowledged.Count} acknowledged before the kill");

        // Every acknowledged interaction is in the log exactly once.
        var logged = await db.RowsAsync("SELECT source_id, COUNT(*) FROM interactions GROUP BY source_id");
        var counts = logged.ToDictionary(r => r[0]!, r => int.Parse(r[1]!));
        Assert.All(acknowledged, a => Assert.Equal(1, counts.GetValueOrDefault(a.Id)));
        Assert.Equal(0, await db.ScalarAsync<int>(
            "SELECT COUNT(*) FROM customers c WHERE total_contacts <> (SELECT COUNT(*) FROM interactions i WHERE i.customer_id = c.customer_id)"));

        // The machine comes back (same address and ports, so the dead generation is superseded at once) and
        // sees them all: re-delivering acknowledged records is all duplicates.
        await using var again = await SiloProcess.StartAsync(db.ConnectionString, ports: silo.Ports);
        var redelivery = acknowledged.Take(500).ToList();
        var (redeliveryStatus, answer) = await PostAsync(again.Http,
            redelivery.Select(a => Record(a.Customer, "EMAIL", Interactions.Utc(2024, 1, 1), a.Id)));
        Assert.Equal((200, 0, redelivery.Count), (redeliveryStatus, answer.Accepted, answer.Duplicates));
    }

    [Fact]
    public async Task Ingest_rides_out_a_short_MySQL_outage_and_refuses_honestly_during_a_long_one()
    {
        await using var db = await TestDatabase.CreateAsync();
        var target = new MySqlConnectionStringBuilder(db.ConnectionString);
        await using var proxy = new TcpFaultProxy(target.Server, (int)target.Port);
        var viaProxy = new MySqlConnectionStringBuilder(db.ConnectionString) { Port = (uint)proxy.Port, ConnectionTimeout = 2 }.ConnectionString;
        await using var silo = await SiloProcess.StartAsync(viaProxy, new Dictionary<string, string> { ["Storage:RetryBudget"] = "00:00:04" });

        var customer = Interactions.NewCustomer();
        var before = Enumerable.Range(0, 3).Select(i => Record(customer, "PHONE", Interactions.Utc(2024, 8, 1, i))).ToList();
        Assert.Equal(3, (await PostAsync(silo.Http, before)).Answer.Accepted);

        // A long outage: the writer gives up after its retry budget and nothing is acknowledged.
        proxy.Cut();
        using (var health = await silo.Http.GetAsync("/health"))
        {
            Assert.Equal(503, (int)health.StatusCode);
            // Public probes say no more than this: no exception text, no host names.
            Assert.Equal("""{"status":"Unhealthy"}""", await health.Content.ReadAsStringAsync());
        }
        var during = Enumerable.Range(3, 3).Select(i => Record(customer, "PHONE", Interactions.Utc(2024, 8, 1, i))).ToList();
        var (status, answer) = await PostAsync(silo.Http, during);
        Assert.Equal((503, 0), (status, answer.Accepted));
        // A stable code and a fixed text: MySQL's own messages stay in the log.
        Assert.Equal("STORAGE_UNAVAILABLE", answer.Code);
        Assert.Equal("storage is unavailable now: the counts say what was confirmed stored; re-send the whole body later (re-delivery is safe)", answer.Detail);
        Assert.False(string.IsNullOrEmpty(answer.RequestId));

        // A short outage: the request waits it out and succeeds.
        var delayedRestore = Task.Run(async () => { await Task.Delay(1500); proxy.Restore(); });
        (status, answer) = await PostAsync(silo.Http, during.Append(Record(customer, "CHAT", Interactions.Utc(2024, 8, 2))));
        await delayedRestore;
        Assert.Equal((200, 4, 0), (status, answer.Accepted, answer.Duplicates));

        Assert.Equal("7|6|1|CHAT", await db.TextAsync(
            "SELECT total_contacts, phone_contacts, chat_contacts, last_channel FROM customers WHERE customer_id = @c", ("@c", customer)));
        Assert.Equal(7, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id = @c", ("@c", customer)));
        Assert.Equal((200, 0, 7), await RedeliverAsync());

        async Task<(int, int, int)> RedeliverAsync()
        {
            var (s, a) = await PostAsync(silo.Http, before.Concat(during).Append(Record(customer, "CHAT", Interactions.Utc(2024, 8, 2))));
            return (s, a.Accepted, a.Duplicates);
        }
    }
}
