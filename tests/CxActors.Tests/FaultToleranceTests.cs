using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySqlConnector;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>
/// Faults and hostile input against real silo processes: a hung database, a database absent at start-up, bodies whose
/// rejections would not fit one statement, values that overflow. Each ends in a clear answer, never a hang or a 500.
/// </summary>
public sealed class FaultToleranceTests
{
    private static (TcpFaultProxy Proxy, string ConnectionString) Proxied(TestDatabase db)
    {
        var target = new MySqlConnectionStringBuilder(db.ConnectionString);
        var proxy = new TcpFaultProxy(target.Server, (int)target.Port);
        return (proxy, new MySqlConnectionStringBuilder(db.ConnectionString) { Port = (uint)proxy.Port }.ConnectionString);
    }

    [Fact]
    public async Task A_hung_database_makes_ingest_fail_fast_keeps_live_reads_answering_and_lets_the_silo_stop()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (proxy, viaProxy) = Proxied(db);
        await using var _ = proxy;
        var silo = await SiloProcess.StartAsync(viaProxy, new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Information" });
        var active = Interactions.NewCustomer();
        var first = Record(active, "PHONE", Interactions.Utc(2024, 8, 1, 9), "h1");
        Assert.Equal(1, (await PostAsync(silo.Http, [first])).Answer.Accepted);

        // The database stops answering: connections are accepted and nothing comes back (as with SIGSTOP).
        proxy.Hang();
        var newcomer = Record(Interactions.NewCustomer(), "CHAT", Interactions.Utc(2024, 8, 1, 10), "h2");
        using (var bounded = silo.CreateClient(timeout: TimeSpan.FromSeconds(16)))
        {
            // Within the ingest deadline (12 s by default): 503, nothing acknowledged.
            var (status, answer) = await PostAsync(bounded, [newcomer]);
            Assert.Equal((503, 0, "STORAGE_UNAVAILABLE"), (status, answer.Accepted, answer.Code));
        }
        using (var probe = silo.CreateClient(timeout: TimeSpan.FromSeconds(4)))
        {
            using (var ready = await probe.GetAsync("/health/ready"))
                Assert.Equal(503, (int)ready.StatusCode);
            using (var live = await probe.GetAsync("/health/live"))
                Assert.Equal(200, (int)live.StatusCode);
            // A customer whose grain is active answers from memory.
            var data = await GraphQLCalls.QueryAsync(probe, "query($id:String!){customer(id:$id){totalContacts interactionCounts{channel count}}}", new { id = active });
            Assert.Equal("""{"totalContacts":1,"interactionCounts":[{"channel":"PHONE","count":1}]}""", data.GetProperty("customer").GetRawText());
        }

        // SIGTERM ends the silo within 30 s whatever the database does.
        Assert.True(await silo.StopAsync(TimeSpan.FromSeconds(30)), $"the silo did not stop within 30 s of SIGTERM with the database hung:\n{silo.Output}");
        await silo.DisposeAsync();

        // Back: re-sending both gives exactly one row each.
        proxy.Restore();
        await using var again = await SiloProcess.StartAsync(viaProxy);
        var (againStatus, redelivered) = await PostAsync(again.Http, [first, newcomer]);
        Assert.Equal((200, 2), (againStatus, redelivered.Accepted + redelivered.Duplicates));
        Assert.Equal(1, redelivered.Duplicates);
        Assert.Equal(2, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions"));
    }

    [Fact]
    public async Task Without_a_database_at_start_up_the_silo_listens_is_live_but_not_ready_and_serves_once_it_comes()
    {
        await using var db = await TestDatabase.CreateAsync();
        var (proxy, viaProxy) = Proxied(db);
        await using var _ = proxy;
        proxy.Cut();
        await using var silo = await SiloProcess.StartListeningAsync(viaProxy, keyDatabase: db.ConnectionString);
        using (var live = await silo.Http.GetAsync("/health/live"))
            Assert.Equal(200, (int)live.StatusCode);
        using (var ready = await silo.Http.GetAsync("/health/ready"))
            Assert.Equal(503, (int)ready.StatusCode);
        using (var alias = await silo.Http.GetAsync("/health"))
            Assert.Equal(503, (int)alias.StatusCode);

        proxy.Restore();
        await silo.WaitForAsync("/health/ready", TimeSpan.FromSeconds(90));
        var (status, answer) = await PostAsync(silo.Http, [Record(Interactions.NewCustomer(), "EMAIL", Interactions.Utc(2024, 8, 3))]);
        Assert.Equal((200, 1), (status, answer.Accepted));
    }

    [Fact]
    public async Task Rejections_too_big_for_one_statement_are_stored_and_the_next_request_is_served()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(db.ConnectionString);
        var comment = new string('x', 40_000);
        var records = Enumerable.Range(0, 520).Select(i =>
        {
            var record = Record($"not-an-email-{i}", "EMAIL", Interactions.Utc(2024, 9, 1).AddMinutes(i), $"r{i}");
            record["feedbackComment"] = comment;
            return record;
        }).ToList();

        // 520 x 40 KB of rejections is over max_allowed_packet in one statement: it used to be a 503 on every re-send.
        var (status, answer) = await PostAsync(silo.Http, records);
        Assert.Equal((200, 0, 520), (status, answer.Accepted, answer.RejectedCount));
        Assert.Equal($"520|{16 * 1024}", await db.TextAsync("SELECT COUNT(*), MAX(CHAR_LENGTH(raw_record)) FROM ingest_rejections"));
        (status, answer) = await PostAsync(silo.Http, records);
        Assert.Equal((200, 520), (status, answer.RejectedCount));

        // The next request, with a 12 MB value, is served (a broken pooled connection used to turn it into a 500),
        // its good record stored, and the answer quotes a bounded piece of the value.
        var huge = Record(new string('c', 12 * 1024 * 1024), "EMAIL", Interactions.Utc(2024, 9, 2), "huge");
        var good = Record(Interactions.NewCustomer(), "EMAIL", Interactions.Utc(2024, 9, 2), "good");
        var body = new JsonArray(huge, good).ToJsonString();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await silo.Http.PostAsync("/ingest/interactions", content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(text.Length < 4096, $"answer of {text.Length} characters");
        var parsed = JsonSerializer.Deserialize<IngestAnswer>(text, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal((1, 1, 0), (parsed.Accepted, parsed.RejectedCount, parsed.Rejected[0].Record));
    }

    [Fact]
    public async Task Every_rejection_is_stored_with_its_reason_and_the_answer_lists_the_first_ten_thousand()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(db.ConnectionString);
        var records = Enumerable.Range(0, 10_050).Select(i => Record($"bad{i}", "EMAIL", Interactions.Utc(2024, 9, 3).AddSeconds(i))).ToList();
        var (status, answer) = await PostAsync(silo.Http, records);
        Assert.Equal((200, 0, 10_050, 10_000), (status, answer.Accepted, answer.RejectedCount, answer.Rejected.Count));
        Assert.Equal(Enumerable.Range(0, 10_000), answer.Rejected.Select(r => r.Record));
        Assert.Equal("customer: 'bad0' is not a valid e-mail address", answer.Rejected[0].Reason);
        // All are stored, the ones past the listed 10,000 included, each with its reason and raw record.
        Assert.Equal(10_050, await db.ScalarAsync<int>("SELECT COUNT(*) FROM ingest_rejections"));
        Assert.Equal("canonical|10049|customer: 'bad10049' is not a valid e-mail address", await db.TextAsync(
            "SELECT channel, record_index, reason FROM ingest_rejections WHERE record_index = 10049"));
        Assert.Contains("\"bad10049\"", await db.TextAsync("SELECT raw_record FROM ingest_rejections WHERE record_index = 10049"));
    }

    [Fact]
    public async Task A_phone_export_record_whose_date_and_duration_overflow_is_rejected_and_its_neighbour_stored()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(db.ConnectionString);
        const string body = """
            [{"data": "01/08/2019", "Horário": "08:15:27", "telefone": 7199999999, "DDD": 71, "cliente_nome": "Paulo Rodrigues",
              "email": "paulorodrigues@email.com", "duracao_total_da_chamada": "00:01:53", "Status": "Atendida"},
             {"data": "01/01/9990", "Horário": "08:15:27", "telefone": 7199999998, "DDD": 71, "cliente_nome": "Maria",
              "email": "maria@email.com", "duracao_total_da_chamada": "596522:00:00", "Status": "Atendida"}]
            """;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await silo.Http.PostAsync("/ingest/phone", content);
        Assert.Equal(200, (int)response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<IngestAnswer>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        Assert.Equal((1, 1, 1), (answer.Accepted, answer.RejectedCount, answer.Rejected[0].Record));
        Assert.Equal("paulorodrigues@email.com", await db.TextAsync("SELECT customer_id FROM interactions"));
    }
}
