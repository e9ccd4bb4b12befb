using System.Net;
using System.Text.Json;
using CxActors.Bench.Data;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench;

/// <summary>What every part needs: the options, the database, the silo, one HTTP client, the data, and the log.</summary>
public sealed class BenchContext(BenchOptions options, BenchDatabase database, SiloProcess silo, HttpClient http, SyntheticData data, int? mysqlPid)
{
    public BenchOptions Options { get; } = options;
    public BenchDatabase Database { get; } = database;
    /// <summary>The silo the parts talk to; part 7 replaces it with a restarted one.</summary>
    public SiloProcess Silo { get; set; } = silo;
    public HttpClient Http { get; } = http;
    public SyntheticData Data { get; } = data;
    public int? MySqlPid { get; } = mysqlPid;
    public List<PhaseUsage> Phases { get; } = [];
    public List<string> Notes { get; } = [];

    public static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>Runs a phase under a CPU meter and the server's counters; the usage is kept for the report.</summary>
    public async Task<(T Result, PhaseUsage Usage)> MeasureAsync<T>(string phase, Func<Task<T>> body)
    {
        var status0 = await Database.StatusAsync();
        var snapshots0 = await SnapshotWritesOrZeroAsync();
        var meter = new CpuMeter(phase, () => Silo.HasExited ? null : Silo.Pid, MySqlPid);
        var result = await body();
        var cpu = meter.Stop();
        var status1 = await Database.StatusAsync();
        var snapshots1 = await SnapshotWritesOrZeroAsync();
        var usage = new PhaseUsage(cpu, snapshots1 - snapshots0,
            status1.ToDictionary(kv => kv.Key, kv => kv.Value - status0.GetValueOrDefault(kv.Key), StringComparer.OrdinalIgnoreCase));
        Phases.Add(usage);
        return (result, usage);
    }

    private async Task<long> SnapshotWritesOrZeroAsync()
    {
        try
        {
            return await Database.SnapshotWritesAsync();
        }
        catch (MySqlException)
        {
            return 0; // before the silo created its tables
        }
    }

    /// <summary>POSTs a canonical body, retrying 503s (re-delivery is safe); returns the counts of the answer.</summary>
    public async Task<IngestAnswer> PostInteractionsAsync(byte[] body, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var response = await Http.PostAsync($"{Silo.Url}/ingest/interactions", content, cancellationToken);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(bytes);
                var root = json.RootElement;
                return new IngestAnswer(root.GetProperty("accepted").GetInt32(), root.GetProperty("duplicates").GetInt32(),
                    root.GetProperty("rejectedCount").GetInt32(), attempt - 1,
                    root.GetProperty("rejected").EnumerateArray().Select(r => r.GetProperty("reason").GetString()).FirstOrDefault());
            }
            if ((int)response.StatusCode < 500 || attempt >= 5)
                throw new InvalidOperationException($"POST /ingest/interactions: HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
            await Task.Delay(200 * attempt, cancellationToken);
        }
    }
}

public sealed record IngestAnswer(int Accepted, int Duplicates, int Rejected, int Retries, string? FirstRejection);

/// <summary>CPU split, grain-state writes and MySQL counters of one phase.</summary>
public sealed record PhaseUsage(CpuUsage Cpu, long SnapshotWrites, Dictionary<string, long> MySql)
{
    public string Describe()
    {
        long Get(string key) => MySql.GetValueOrDefault(key);
        return $"{Cpu.Describe()}\n{"",-26} snapshots {SnapshotWrites:N0}  statements {Get("Questions"):N0}  commits {Get("Handler_commit"):N0}  fsyncs {Get("Innodb_data_fsyncs"):N0}  " +
               $"row-lock waits {Get("Innodb_row_lock_waits"):N0} ({Get("Innodb_row_lock_time"):N0} ms)  deadlocks {Get("Innodb_deadlocks"):N0}  " +
               $"rows written {Get("Handler_write"):N0} updated {Get("Handler_update"):N0} index reads {Get("Handler_read_key") + Get("Handler_read_next"):N0}\n{"",-26} by command: " +
               string.Join("  ", MySql.Where(kv => kv.Key.StartsWith("Com_", StringComparison.OrdinalIgnoreCase) && kv.Value > 0)
                   .OrderByDescending(kv => kv.Value).Take(6).Select(kv => $"{kv.Key[4..]} {kv.Value:N0}"));
    }
}
