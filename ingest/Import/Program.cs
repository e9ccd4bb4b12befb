using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using CxActors.Ingest;

// ./cx import CHANNEL FILE... [--url URL] [--chunk N] [--parallel N] [--retry-for SECONDS] [--api-key KEY]
// The key (scope ingest): --api-key, else CX_API_KEY (./cx import sets it from .data/local-api-key when unset).
// Exit codes: 0 every record was delivered (rejections included), 1 a file or chunk could not be sent, 2 usage.

var usage = "usage: ./cx import phone|ura|chat|whatsapp|email|canonical FILE... [--url http://127.0.0.1:5080] [--chunk 5000] [--parallel 2] [--retry-for 60] [--api-key cxk_... | CX_API_KEY]";
var files = new List<string>();
var url = "http://127.0.0.1:5080";
var chunkRecords = 5000;
var parallel = 2;
// How long a chunk keeps being re-sent through 503s and dropped connections: a short outage is ridden out, a long one
// ends the import with exit 1 (and re-running it is safe: what was stored counts as duplicates).
var retryFor = TimeSpan.FromSeconds(60);
var apiKey = Environment.GetEnvironmentVariable("CX_API_KEY");
string? channelArg = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--url" when i + 1 < args.Length: url = args[++i]; break;
        case "--api-key" when i + 1 < args.Length: apiKey = args[++i]; break;
        case "--chunk" when i + 1 < args.Length && int.TryParse(args[i + 1], out var c) && c > 0: chunkRecords = c; i++; break;
        case "--parallel" when i + 1 < args.Length && int.TryParse(args[i + 1], out var p) && p > 0: parallel = p; i++; break;
        case "--retry-for" when i + 1 < args.Length && int.TryParse(args[i + 1], out var r) && r >= 0: retryFor = TimeSpan.FromSeconds(r); i++; break;
        case "-h" or "--help": Console.WriteLine(usage); return 0;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal)) { Console.Error.WriteLine($"unknown option {args[i]}\n{usage}"); return 2; }
            if (channelArg is null) channelArg = args[i]; else files.Add(args[i]);
            break;
    }
}
(IngestFormat Format, string Path)? target = IngestFormats.TryParse(channelArg, out var format, out var name)
    ? (format, CxActors.ChannelNames.EndpointPath(name)!)
    : null;
if (target is null || files.Count == 0)
{
    Console.Error.WriteLine(usage);
    return 2;
}

using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
if (!string.IsNullOrWhiteSpace(apiKey))
    http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey.Trim());
var total = new Tally();
var failed = false;
foreach (var file in files)
{
    var tally = new Tally();
    var ok = await ImportFileAsync(file, tally);
    failed |= !ok;
    total.Add(tally);
}
if (files.Count > 1)
    Console.Error.WriteLine($"total: {total.Summary()}");
return failed ? 1 : 0;

async Task<bool> ImportFileAsync(string file, Tally tally)
{
    FileStream stream;
    try
    {
        stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"{file}: cannot open: {ex.Message}");
        return false;
    }
    await using var _ = stream;
    var length = Math.Max(1, stream.Length);
    var clock = Stopwatch.StartNew();
    var chunks = Channel.CreateBounded<ExportChunk>(parallel * 2);
    var errors = new List<string>();
    using var progress = new Timer(_ => Draw(file, tally, stream.Position, length, clock.Elapsed, final: false), null, 250, 250);

    var producer = Task.Run(async () =>
    {
        try
        {
            await foreach (var chunk in ExportChunker.ChunkAsync(target.Value.Format, stream, chunkRecords, CancellationToken.None))
                await chunks.Writer.WriteAsync(chunk);
        }
        catch (IngestFormatException ex)
        {
            lock (errors) errors.Add($"{file}: cannot be read: {ex.Message}");
        }
        finally
        {
            chunks.Writer.Complete();
        }
    });
    var senders = Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
    {
        await foreach (var chunk in chunks.Reader.ReadAllAsync())
        {
            var error = await SendAsync(chunk, tally);
            if (error is not null)
                lock (errors) errors.Add(error);
        }
    })).ToList();
    await producer;
    await Task.WhenAll(senders);
    await progress.DisposeAsync();
    Draw(file, tally, length, length, clock.Elapsed, final: true);
    foreach (var rejection in tally.FirstRejections())
        Console.Error.WriteLine($"  rejected record {rejection.Record}: {rejection.Reason}");
    if (tally.Rejected > tally.FirstRejections().Count)
        Console.Error.WriteLine($"  ... {tally.Rejected - tally.FirstRejections().Count} more rejections (all are in the ingest_rejections table)");
    foreach (var error in errors)
        Console.Error.WriteLine(error);
    return errors.Count == 0;
}

// Sends one chunk; 503s and dropped connections are retried (re-delivery is safe), 4xx is final.
async Task<string?> SendAsync(ExportChunk chunk, Tally tally)
{
    var delay = TimeSpan.FromSeconds(1);
    var started = Stopwatch.StartNew();
    while (true)
    {
        try
        {
            using var content = new ByteArrayContent(chunk.Body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(chunk.ContentType);
            using var response = await http.PostAsync(target.Value.Path, content);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                tally.Record(chunk, JsonDocument.Parse(text).RootElement);
                return null;
            }
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                return $"HTTP {(int)response.StatusCode}: the service refused the key (give one with scope ingest: --api-key or CX_API_KEY; ./cx keys create NAME --scope ingest)";
            if (response.StatusCode == HttpStatusCode.TooManyRequests && started.Elapsed < retryFor)
            {
                // Over the key's rate limit: wait as long as the service says, then send the chunk again.
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? delay);
                continue;
            }
            if ((int)response.StatusCode < 500 || started.Elapsed >= retryFor)
                return $"records {chunk.FirstRecord}..{chunk.FirstRecord + chunk.Records - 1}: HTTP {(int)response.StatusCode}: {text}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            if (started.Elapsed >= retryFor)
                return $"records {chunk.FirstRecord}..{chunk.FirstRecord + chunk.Records - 1}: {ex.Message}";
        }
        await Task.Delay(delay);
        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(8).Ticks));
    }
}

static void Draw(string file, Tally tally, long position, long length, TimeSpan elapsed, bool final)
{
    var fraction = Math.Clamp((double)position / length, 0, 1);
    const int width = 24;
    var filled = (int)(fraction * width);
    var bar = new string('#', filled) + new string('-', width - filled);
    var line = $"{Path.GetFileName(file)} [{bar}] {fraction,4:P0} {tally.Summary(elapsed)}";
    if (Console.IsErrorRedirected)
    {
        if (final) Console.Error.WriteLine(line);
        return;
    }
    Console.Error.Write("\r" + line.PadRight(Math.Max(line.Length, Console.WindowWidth > 0 ? Console.WindowWidth - 1 : 0)));
    if (final) Console.Error.WriteLine();
}

/// <summary>Running counts of one import, shared by the sender tasks.</summary>
sealed class Tally
{
    private const int Listed = 20;
    private readonly List<(int Record, string Reason)> _rejections = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _records, _accepted, _duplicates, _rejected;

    public long Rejected => Interlocked.Read(ref _rejected);

    public void Record(ExportChunk chunk, JsonElement answer)
    {
        Interlocked.Add(ref _records, chunk.Records);
        Interlocked.Add(ref _accepted, answer.GetProperty("accepted").GetInt32());
        Interlocked.Add(ref _duplicates, answer.GetProperty("duplicates").GetInt32());
        Interlocked.Add(ref _rejected, answer.GetProperty("rejectedCount").GetInt32());
        lock (_rejections)
            foreach (var r in answer.GetProperty("rejected").EnumerateArray())
                if (_rejections.Count < Listed)
                    _rejections.Add((chunk.FirstRecord + r.GetProperty("record").GetInt32(), r.GetProperty("reason").GetString() ?? ""));
    }

    public void Add(Tally other)
    {
        _records += other._records; _accepted += other._accepted; _duplicates += other._duplicates; _rejected += other._rejected;
    }

    public List<(int Record, string Reason)> FirstRejections()
    {
        lock (_rejections) return [.. _rejections.OrderBy(r => r.Record)];
    }

    public string Summary(TimeSpan? elapsed = null)
    {
        var seconds = Math.Max((elapsed ?? _clock.Elapsed).TotalSeconds, 0.001);
        return $"{_records:N0} records {_records / seconds:N0}/s | accepted {_accepted:N0} | duplicates {_duplicates:N0} | rejected {_rejected:N0} | {seconds:N1} s";
    }
}
