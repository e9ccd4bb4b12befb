using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

public sealed class IngestSiloFixture : IAsyncLifetime
{
    public const int MaxBodyBytes = 256 * 1024;
    public TestDatabase Database { get; private set; } = null!;
    public SiloProcess Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Silo = await SiloProcess.StartAsync(Database.ConnectionString,
            new Dictionary<string, string>
            {
                ["Ingest:MaxBodyBytes"] = MaxBodyBytes.ToString(),
                // Small waves of grain calls, so that every chunk of these tests goes through several of them.
                ["Ingest:MaxConcurrentGrainCalls"] = "50",
            });
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>The ingest endpoints over HTTP against a real silo and MySQL.</summary>
public sealed class IngestHttpTests(IngestSiloFixture fixture) : IClassFixture<IngestSiloFixture>
{
    private HttpClient Http => fixture.Silo.Http;
    private TestDatabase Db => fixture.Database;

    private async Task<(int Status, IngestAnswer Answer)> PostAsync(string path, string body, string contentType)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await Http.PostAsync(path, content);
        return ((int)response.StatusCode, (await response.Content.ReadFromJsonAsync<IngestAnswer>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!);
    }

    [Fact]
    public async Task The_four_seed_exports_give_five_customers_with_one_contact_per_channel_and_redelivery_is_a_no_op()
    {
        var exports = new[]
        {
            ("/ingest/ura", "UraTelefonica.jsonl", "application/json"),
            ("/ingest/chat", "chatOnline.jsonl", "application/json"),
            ("/ingest/whatsapp", "Whatsapp.csv", "text/csv"),
            ("/ingest/email", "email.csv", "text/csv"),
        };
        foreach (var (path, file, type) in exports)
        {
            var body = await File.ReadAllTextAsync(SeedExports.PathOf(file));
            var (status, answer) = await PostAsync(path, body, type);
            Assert.Equal((200, 5, 0, 0), (status, answer.Accepted, answer.Duplicates, answer.RejectedCount));
            (status, answer) = await PostAsync(path, body, type);
            Assert.Equal((200, 0, 5, 0), (status, answer.Accepted, answer.Duplicates, answer.RejectedCount));
        }

        const string seedCustomers = "('paulorodrigues@email.com','crisf@email.com','lreis@email.com','joanab@email.com','rosana.farias@email.com')";
        Assert.Equal(20, await Db.ScalarAsync<int>($"SELECT COUNT(*) FROM interactions WHERE customer_id IN {seedCustomers}"));
        // Hand-derived: URA '01/08/2019 08:15:27' is 8 January (month first), Sao Paulo summer time (UTC-2), so
        // 10:15:27Z, ending 1:53 later; chat '14/08/2019 09:55' is day first, UTC-3; WhatsApp '9/30/19 0:08' is
        // month first with a 2-digit year; e-mail ' 08/20/19 09:55' has stray spaces.
        Assert.Equal(
            "PHONE|2019-01-08 10:15:27.000|2019-01-08 10:17:20.000|Antônia|Atendida|Dúvidas Gerais|9|104\n" +
            "WHATSAPP|2019-09-30 03:08:00.000|2019-10-01 17:08:00.000|NULL|Finalizada|NULL|NULL|136800",
            await Db.TextAsync("SELECT channel, started_at, ended_at, agent, status, queue, wait_seconds, handle_seconds FROM interactions " +
                               "WHERE customer_id = 'paulorodrigues@email.com' AND channel IN ('PHONE','WHATSAPP') ORDER BY started_at"));
        Assert.Equal("CHAT|2019-08-14 12:55:00.000|2019-08-14 13:15:00.000|4|atendimento demorado\nEMAIL|2019-08-20 12:55:00.000|2019-08-20 19:41:00.000|NULL|NULL",
            await Db.TextAsync("SELECT channel, started_at, ended_at, feedback_score, feedback_comment FROM interactions " +
                               "WHERE customer_id = 'rosana.farias@email.com' AND channel IN ('CHAT','EMAIL') ORDER BY started_at"));
        Assert.Equal(
            "crisf@email.com|Cristina Ferreira|+552199999999|4|1|1|1|1\n" +
            "joanab@email.com|Joana Brecchi|+553199999999|4|1|1|1|1\n" +
            "lreis@email.com|Luis Reis|+555199999999|4|1|1|1|1\n" +
            "paulorodrigues@email.com|Paulo Rodrigues|+557199999999|4|1|1|1|1\n" +
            "rosana.farias@email.com|Rosana Farias|+554199999999|4|1|1|1|1",
            await Db.TextAsync($"SELECT customer_id, name, phones, total_contacts, phone_contacts, chat_contacts, whatsapp_contacts, email_contacts FROM customers WHERE customer_id IN {seedCustomers} ORDER BY customer_id"));
    }

    [Fact]
    public async Task Bad_records_are_rejected_one_by_one_with_reasons_and_stored_for_replay()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var csv =
            "Email do cliente,Data/Hora de abertura,Data/Hora de fechamento,Origem do caso\r\n" +
            $"Good1.{tag}@Example.com, 01/15/2024 10:00 ,01/15/2024 11:00,Site\r\n" +
            $"bad-date.{tag}@example.com,02/31/2024 10:00,,Site\r\n" +
            ",01/15/2024 10:00,,Site\r\n" +
            $"good2.{tag}@example.com,1/16/24 9:05:30,1/16/24 9:35,\"Loja, centro\"\r\n";
        var (status, answer) = await PostAsync("/ingest/email", csv, "text/csv; charset=utf-8");

        Assert.Equal((200, 2, 0, 2), (status, answer.Accepted, answer.Duplicates, answer.RejectedCount));
        Assert.Equal([1, 2], answer.Rejected.Select(r => r.Record));
        Assert.Contains("Data/Hora de abertura", answer.Rejected[0].Reason);
        Assert.Contains("no customer e-mail or phone", answer.Rejected[1].Reason);
        Assert.Equal($"good1.{tag}@example.com|2024-01-15 13:00:00.000|Site\ngood2.{tag}@example.com|2024-01-16 12:05:30.000|Loja, centro",
            await Db.TextAsync("SELECT customer_id, started_at, source_detail FROM interactions WHERE customer_id LIKE @t ORDER BY customer_id", ("@t", $"%.{tag}@example.com")));
        Assert.Equal($"email|1|bad-date.{tag}@example.com,02/31/2024 10:00,,Site",
            await Db.TextAsync("SELECT channel, record_index, raw_record FROM ingest_rejections WHERE raw_record LIKE @t", ("@t", $"%{tag}%")));
    }

    [Fact]
    public async Task A_record_with_only_a_known_phone_belongs_to_the_customer_it_was_linked_to()
    {
        var customer = Interactions.NewCustomer();
        var phone = "719" + Random.Shared.NextInt64(10_000_000, 99_999_999); // a Salvador mobile, two forms of it
        var body = $$"""
            {"customer": "{{customer}}", "channel": "PHONE", "startedAt": "2024-03-01T10:00:00Z", "phone": "({{phone[..2]}}) {{phone[2..]}}"}
            {"channel": "WHATSAPP", "startedAt": "2024-03-02T10:00:00Z", "phone": "+55{{phone}}"}
            {"channel": "CHAT", "startedAt": "2024-03-03T10:00:00Z", "phone": "11000000000"}
            """;
        var (status, answer) = await PostAsync("/ingest/interactions", body, "application/x-ndjson");
        Assert.Equal((200, 2, 1), (status, answer.Accepted, answer.RejectedCount));
        Assert.Equal(2, answer.Rejected.Single().Record);
        Assert.Equal("2|1|1", await Db.TextAsync("SELECT total_contacts, phone_contacts, whatsapp_contacts FROM customers WHERE customer_id = @c", ("@c", customer)));
    }

    [Fact]
    public async Task The_same_record_twice_in_one_body_counts_once()
    {
        var record = Record(Interactions.NewCustomer(), "EMAIL", Interactions.Utc(2024, 2, 2));
        var (status, answer) = await CanonicalBodies.PostAsync(Http, [record, record]);
        Assert.Equal((200, 1, 1), (status, answer.Accepted, answer.Duplicates));
    }

    [Theory]
    [InlineData("/ingest/email", "text/plain", "a,b\n", 415, "UNSUPPORTED_MEDIA_TYPE")]
    [InlineData("/ingest/phone", "text/csv", "[]", 415, "UNSUPPORTED_MEDIA_TYPE")]
    [InlineData("/ingest/fax", "text/csv", "a\n", 404, "UNKNOWN_CHANNEL")]
    [InlineData("/ingest/interactions", "application/json", "{\"customer\": ", 400, "MALFORMED_BODY")]
    [InlineData("/ingest/interactions", "application/json", "hello", 400, "MALFORMED_BODY")]
    [InlineData("/ingest/whatsapp", "text/csv", "Semana,Finalizado?\n1,Sim\n", 400, "MALFORMED_BODY")]
    public async Task A_body_that_cannot_be_taken_gets_a_4xx_with_a_reason(string path, string contentType, string body, int expected, string code)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
        using var response = await Http.PostAsync(path, content);
        Assert.Equal(expected, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var answer = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.False(string.IsNullOrWhiteSpace(answer.GetProperty("detail").GetString()));
        Assert.Equal(code, answer.GetProperty("code").GetString());
        Assert.Equal(expected, answer.GetProperty("status").GetInt32());
        // The request id in the body is the one in the header, so a client's report finds the log line.
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), answer.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413()
    {
        var big = "Email do cliente,Data/Hora de abertura\n" + string.Concat(Enumerable.Repeat("someone@example.com,01/01/2024 10:00\n", 10_000));
        Assert.True(Encoding.UTF8.GetByteCount(big) > IngestSiloFixture.MaxBodyBytes);
        var (status, answer) = await PostAsync("/ingest/email", big, "text/csv");
        Assert.Equal(413, status);
        Assert.Contains("limit", answer.Detail);
        Assert.Equal("BODY_TOO_LARGE", answer.Code);
    }

    [Fact]
    public async Task Cx_import_sends_a_large_file_in_chunks_and_maps_rejections_back_to_file_records()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(Path.GetTempPath(), $"cx-import-{tag}.csv");
        var lines = new StringBuilder("Origem do caso,Email do cliente,Data/Hora de abertura,Data/Hora de fechamento\n");
        for (var i = 0; i < 12_000; i++)
        {
            var date = i is 7001 or 11999 ? "13/45/2024 10:00" : $"{1 + i % 12:00}/{1 + i % 28:00}/2023 {i % 24:00}:{i % 60:00}";
            lines.Append($"Site,user{i % 3000}.{tag}@example.com,{date},\n");
        }
        await File.WriteAllTextAsync(file, lines.ToString());
        try
        {
            var (exit, output) = await RunImportAsync(fixture.Silo.ApiKey, "email", file, "--url", fixture.Silo.Http.BaseAddress!.ToString().TrimEnd('/'), "--chunk", "4000");  // 4,000 rows stay under the fixture's 256 KiB body limit
            Assert.True(exit == 0, output);
            Assert.Contains("12,000 records", output);
            Assert.Contains("accepted 11,998", output);
            Assert.Contains("rejected 2", output);
            Assert.Contains("rejected record 7001:", output);
            Assert.Contains("rejected record 11999:", output);
            Assert.Equal(11_998, await Db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id LIKE @t", ("@t", $"%.{tag}@example.com")));

            (exit, output) = await RunImportAsync(fixture.Silo.ApiKey, "email", file, "--url", fixture.Silo.Http.BaseAddress!.ToString().TrimEnd('/'), "--chunk", "3000", "--parallel", "3");
            Assert.True(exit == 0, output);
            Assert.Contains("accepted 0 | duplicates 11,998", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Exit, string Output)> RunImportAsync(string apiKey, params string[] args)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";
        var dll = Path.Combine(SiloProcess.RepositoryRoot(), "ingest", "Import", "bin", configuration, "net10.0", "CxActors.Import.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["CX_API_KEY"] = apiKey;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
