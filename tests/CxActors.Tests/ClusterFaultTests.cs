using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MySqlConnector;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>
/// The cluster under faults, with requests in flight through every silo: a member's death, a rolling restart, an
/// outage in the middle of a body. Afterwards every body ever sent (acknowledged or not) is re-delivered, and there
/// must be exactly one row per interaction and customers totals equal to the log.
/// </summary>
public sealed class ClusterFaultTests
{
    private const int CustomersPerRun = 300;

    // The clients and the re-delivery of every body post far faster than a key's default ingest rate allows.
    private static readonly Dictionary<string, string> Unthrottled = new() { ["Auth:RateLimits:Ingest:PermitsPerSecond"] = "0" };

    /// <summary>Clients that post batches of 50 new interactions through the silos they are given, remembering every body.</summary>
    private sealed class Load(Func<int, SiloProcess?> siloFor)
    {
        public ConcurrentBag<JsonObject[]> Sent { get; } = [];
        public ConcurrentBag<(DateTime At, int Status, int Client)> Answers { get; } = [];
        private int _inFlight;
        public int InFlight => Volatile.Read(ref _inFlight);

        public Task RunAsync(int clients, CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (var batch = 0; !stop.IsCancellationRequested; batch++)
            {
                var silo = siloFor(client);
                if (silo is null || silo.HasExited)
                {
                    await Task.Delay(100, CancellationToken.None);
                    continue;
                }
                var records = Enumerable.Range(0, 50).Select(i => Record($"load{(client * 50 + i + batch) % CustomersPerRun}@example.com",
                    (i % 4) switch { 0 => "PHONE", 1 => "CHAT", 2 => "WHATSAPP", _ => "EMAIL" },
                    Interactions.Utc(2024, 6, 1).AddSeconds(batch * 50 + i), $"c{client}-b{batch}-r{i}")).ToArray();
                Sent.Add(records);
                Interlocked.Increment(ref _inFlight);
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
                    var (status, _) = await PostAsync(silo.Http, records, timeout.Token);
                    Answers.Add((DateTime.UtcNow, status, client));
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException)
                {
                    Answers.Add((DateTime.UtcNow, 0, client)); // no answer: connection refused or cut
                    await Task.Delay(200, CancellationToken.None);
                }
                finally
                {
                    Interlocked.Decrement(ref _inFlight);
                }
            }
        })));
    }

    private static async Task RedeliverEverythingAndCheckExactnessAsync(TestDatabase db, SiloProcess silo, Load load)
    {
        var ids = new HashSet<string>();
        foreach (var body in load.Sent)
        {
            foreach (var record in body)
                ids.Add((string)record["id"]!);
            var (status, answer) = await PostAsync(silo.Http, body);
            Assert.Equal(200, status);
            Assert.Equal(body.Length, answer.Accepted + answer.Duplicates);
        }
        Assert.Equal(ids.Count, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions"));
        Assert.Equal(ids.Count, await db.ScalarAsync<int>("SELECT COUNT(DISTINCT source_id) FROM interactions"));
        Assert.Equal(0, await db.ScalarAsync<int>(
            "SELECT COUNT(*) FROM customers c WHERE total_contacts <> (SELECT COUNT(*) FROM interactions i WHERE i.customer_id = c.customer_id) " +
            "OR phone_contacts <> (SELECT COUNT(*) FROM interactions i WHERE i.customer_id = c.customer_id AND i.channel = 'PHONE') " +
            "OR email_contacts <> (SELECT COUNT(*) FROM interactions i WHERE i.customer_id = c.customer_id AND i.channel = 'EMAIL')"));
        Assert.Equal(await db.ScalarAsync<int>("SELECT COUNT(DISTINCT customer_id) FROM interactions"), await db.ScalarAsync<int>("SELECT COUNT(*) FROM customers"));
    }

    [Fact]
    public async Task The_cluster_survives_a_member_killed_under_load_through_both_silos()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var a = await SiloProcess.StartAsync(db.ConnectionString, Unthrottled);
        await using var b = await SiloProcess.StartAsync(db.ConnectionString, Unthrottled);
        var load = new Load(client => client % 2 == 0 ? a : b);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(4, stop.Token);

        await Task.Delay(TimeSpan.FromSeconds(3));
        // Kill with a request in flight through each silo, if the clients have one there.
        for (var wait = 0; wait < 50 && load.InFlight < 2; wait++)
            await Task.Delay(20);
        var killedAt = DateTime.UtcNow;
        a.KillHard();

        // Through the survivor, requests succeed again within 30 s (membership declares the dead silo dead).
        var recovered = false;
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(30) && !recovered; waited += TimeSpan.FromMilliseconds(250))
        {
            await Task.Delay(250);
            recovered = load.Answers.Any(x => x.Client % 2 == 1 && x.At > killedAt.AddSeconds(1) && x.Status == 200);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        stop.Cancel();
        await running;
        Assert.True(recovered, $"no request through the survivor succeeded within 30 s of the kill; statuses: {string.Join(",", load.Answers.Where(x => x.At > killedAt).Select(x => x.Status))}");
        // Never a 500: a client sees 200, 503 (storage or a grain unavailable now) or no answer from the dead silo.
        Assert.DoesNotContain(load.Answers, x => x.Status is not (200 or 503 or 0));
        Assert.DoesNotContain(load.Answers, x => x.Status == 0 && x.Client % 2 == 1);

        await RedeliverEverythingAndCheckExactnessAsync(db, b, load);
    }

    [Fact]
    public async Task A_rolling_restart_under_load_loses_and_doubles_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        var silos = new SiloProcess?[2];
        silos[0] = await SiloProcess.StartAsync(db.ConnectionString, Unthrottled);
        silos[1] = await SiloProcess.StartAsync(db.ConnectionString, Unthrottled);
        // Each client uses its own silo while that one is up, else the other one.
        var load = new Load(client => silos[client % 2] is { HasExited: false } own ? own : silos[(client + 1) % 2]);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(4, stop.Token);
        try
        {
            for (var i = 0; i < 2; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(2));
                var old = silos[i]!;
                Assert.True(await old.StopAsync(TimeSpan.FromSeconds(30)), $"silo {i} did not stop gracefully within 30 s");
                silos[i] = await SiloProcess.StartAsync(db.ConnectionString, Unthrottled, old.Ports);
                await old.DisposeAsync();
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            stop.Cancel();
            await running;
        }
        Assert.DoesNotContain(load.Answers, x => x.Status is not (200 or 503 or 0));
        Assert.Contains(load.Answers, x => x.Status == 200);
        await RedeliverEverythingAndCheckExactnessAsync(db, silos[0]!, load);
        foreach (var silo in silos)
            await silo!.DisposeAsync();
    }

    [Fact]
    public async Task An_outage_in_the_middle_of_a_body_answers_503_with_exactly_what_was_stored()
    {
        await using var db = await TestDatabase.CreateAsync();
        var target = new MySqlConnectionStringBuilder(db.ConnectionString);
        await using var proxy = new TcpFaultProxy(target.Server, (int)target.Port);
        var viaProxy = new MySqlConnectionStringBuilder(db.ConnectionString) { Port = (uint)proxy.Port }.ConnectionString;
        await using var silo = await SiloProcess.StartAsync(viaProxy, new Dictionary<string, string>
        {
            ["Ingest:ChunkRecords"] = "100",
            ["Ingest:RetryBudget"] = "00:00:02",
            ["Storage:RetryBudget"] = "00:00:02",
        });
        // About 1 KB a record, so that the part sent first is well past the readers' 64 KiB read-ahead.
        var records = Enumerable.Range(0, 300).Select(i =>
        {
            var record = Record($"mid{i}@example.com", "CHAT", Interactions.Utc(2024, 7, 1).AddMinutes(i), $"mid-{i}");
            record["feedbackComment"] = new string('k', 1000);
            return record;
        }).ToList();
        var lines = records.Select(r => Encoding.UTF8.GetBytes(r.ToJsonString() + "\n")).ToList();

        // The body as NDJSON, sent in two parts: the first chunk (100 records) and a little more; once the first chunk is
        // durable, the database goes away, then the rest is sent.
        var firstDurable = new TaskCompletionSource();
        var content = new PausingContent(lines, pauseAfter: 150, firstDurable.Task).Typed();
        var posting = silo.Http.PostAsync("/ingest/interactions", content);
        // Durable is not enough: the cut must also come after the silo has read each flush's commit answer. Rows are
        // visible as soon as the server commits; an answer cut on its way back leaves a commit the silo never confirmed,
        // and it rightly counts only what it confirmed (the test then saw 43 of 100 once).
        for (var waited = 0; waited < 300 && (await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions") < 100 || await FlushedRowsAsync(silo) < 100); waited++)
            await Task.Delay(100);
        Assert.Equal(100, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions"));
        Assert.Equal(100, await FlushedRowsAsync(silo));
        proxy.Cut();
        firstDurable.SetResult();
        using var response = await posting;
        var answer = (await response.Content.ReadFromJsonAsync<IngestAnswer>(new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
        Assert.Equal((503, "STORAGE_UNAVAILABLE"), ((int)response.StatusCode, answer.Code));
        // The counts are exactly what was stored.
        Assert.Equal((100, 0), (answer.Accepted, answer.Duplicates));
        Assert.Equal(100, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions"));

        proxy.Restore();
        var (status, again) = await PostAsync(silo.Http, records);
        Assert.Equal((200, 200, 100), (status, again.Accepted, again.Duplicates));
        Assert.Equal(300, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions"));
    }

    [Fact]
    public async Task The_importer_rides_out_a_short_outage_and_exits_1_on_a_long_one()
    {
        await using var db = await TestDatabase.CreateAsync();
        var target = new MySqlConnectionStringBuilder(db.ConnectionString);
        await using var proxy = new TcpFaultProxy(target.Server, (int)target.Port);
        var viaProxy = new MySqlConnectionStringBuilder(db.ConnectionString) { Port = (uint)proxy.Port }.ConnectionString;
        await using var silo = await SiloProcess.StartAsync(viaProxy, new Dictionary<string, string>
        {
            ["Ingest:RetryBudget"] = "00:00:01",
            ["Storage:RetryBudget"] = "00:00:01",
        });
        var file = Path.Combine(Path.GetTempPath(), $"cx-outage-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, "Loja,Email do cliente,Data/Hora de abertura,Origem do caso\n" +
            string.Concat(Enumerable.Range(0, 300).Select(i => $"Site,outage{i}@example.com,01/03/2024 10:{i % 60:D2},\n")));
        try
        {
            // Short: the database is back 3 s after the import started; the importer re-sends and succeeds.
            proxy.Cut();
            var restore = Task.Run(async () => { await Task.Delay(3000); proxy.Restore(); });
            var (exit, output) = await ImportAsync(file, silo.Url, "--retry-for", "60", "--api-key", silo.ApiKey);
            await restore;
            Assert.True(exit == 0, output);
            // What an attempt during the outage stored before its 503 comes back as duplicates on the re-send.
            var counts = System.Text.RegularExpressions.Regex.Match(output, @"accepted (\d+) \| duplicates (\d+) \| rejected 0");
            Assert.True(counts.Success, output);
            Assert.Equal(300, int.Parse(counts.Groups[1].Value) + int.Parse(counts.Groups[2].Value));
            Assert.Equal(300, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions"));

            // Long: still down after the importer's retry budget: exit 1, saying which records were not sent. (New
            // customers: re-sent records of active customers are answered as duplicates from memory, without MySQL.)
            await File.WriteAllTextAsync(file, "Loja,Email do cliente,Data/Hora de abertura,Origem do caso\n" +
                string.Concat(Enumerable.Range(0, 300).Select(i => $"Site,later{i}@example.com,01/03/2024 11:{i % 60:D2},\n")));
            proxy.Cut();
            (exit, output) = await ImportAsync(file, silo.Url, "--retry-for", "4", "--api-key", silo.ApiKey);
            Assert.True(exit == 1, output);
            Assert.Contains("records 0..299: HTTP 503", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Exit, string Output)> ImportAsync(string file, string url, params string[] options)
    {
        var dll = Path.Combine(SiloProcess.RepositoryRoot(), "ingest", "Import", "bin",
            AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug", "net10.0", "CxActors.Import.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [dll, "email", file, "--url", url, .. options])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>NDJSON lines written up to <c>pauseAfter</c>, then the rest once <c>resume</c> completes.</summary>
    private sealed class PausingContent(List<byte[]> lines, int pauseAfter, Task resume) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var i = 0; i < lines.Count; i++)
            {
                if (i == pauseAfter)
                {
                    await stream.FlushAsync();
                    await resume;
                }
                await stream.WriteAsync(lines[i]);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        public PausingContent Typed()
        {
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
            return this;
        }
    }

    /// <summary>Rows of the log flushes whose commit the silo confirmed (the sum of its <c>cx_log_flush_rows</c> histogram).</summary>
    private static async Task<double> FlushedRowsAsync(SiloProcess silo) =>
        (await MetricsScrape.ReadAsync(silo.Http)).Sum("cx_log_flush_rows_sum");
}
