using System.Collections.Concurrent;
using System.Net;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

public sealed record LiveResult(int Subscribers, double PerSecondAlone, double PerSecondWithSubscribers, double EventP50Ms, double EventP99Ms,
    long Delivered, int Disconnected)
{
    public double Ratio => PerSecondWithSubscribers / PerSecondAlone;
}

/// <summary>
/// Part 8 (live feed): sustained ingest of new contacts (4 clients, 200 per request, each a new customer) for a
/// phase alone, then the same with N unfiltered <c>contactAdded</c> subscribers over SSE (1,000; 20 with
/// <c>--smoke</c>). The ratio is the throughput with subscribers over without. The event latency runs from the ingest
/// request's send to the event's arrival at each subscriber: an upper bound of commit → delivery (commit happens
/// inside the request). The subscribers are read by this process, on the same machine: their parsing competes with the
/// silo for the same cores, so on a 2-core box both figures are pessimistic.
/// </summary>
public static class LiveFeedBench
{
    public static async Task<LiveResult?> RunAsync(BenchContext ctx)
    {
        var smoke = ctx.Options.Mode == "smoke";
        var subscribers = smoke ? 20 : 1_000;
        var seconds = smoke ? 2.0 : 15.0;
        var next = 0L;
        var sent = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);

        BenchContext.Log($"part 8: ingest of new contacts for {seconds:F0} s without subscribers");
        var alone = await IngestAsync(ctx, seconds, () => Interlocked.Increment(ref next), null);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = subscribers + 8, UseProxy = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.Authorization = ctx.Http.DefaultRequestHeaders.Authorization;
        using var stop = new CancellationTokenSource();
        var latencies = new Latencies();
        long delivered = 0;
        var disconnected = 0;
        var opened = 0;
        BenchContext.Log($"part 8: opening {subscribers:N0} SSE subscriptions");
        var readers = Enumerable.Range(0, subscribers).Select(_ => Task.Run(async () =>
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"{ctx.Silo.Url}/graphql")
                {
                    Content = new StringContent("{\"query\":\"subscription { contactAdded { interaction { sourceId } } }\"}", Encoding.UTF8, "application/json"),
                };
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                    return;
                Interlocked.Increment(ref opened);
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop.Token));
                while (await reader.ReadLineAsync(stop.Token) is { } line)
                {
                    if (line.StartsWith("event: complete", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref disconnected);
                        return;
                    }
                    var at = line.IndexOf("\"sourceId\":\"", StringComparison.Ordinal);
                    if (at < 0)
                        continue;
                    var start = at + "\"sourceId\":\"".Length;
                    var id = line[start..line.IndexOf('"', start)];
                    if (sent.TryGetValue(id, out var t0))
                        latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    Interlocked.Increment(ref delivered);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
            {
            }
        })).ToArray();
        // Subscriptions are live once their requests were handled; the silo's listener is registered from its start.
        for (var wait = 0; Volatile.Read(ref opened) < subscribers && wait < 300; wait++)
            await Task.Delay(100);
        await Task.Delay(TimeSpan.FromSeconds(1));
        if (Volatile.Read(ref opened) < subscribers)
            ctx.Notes.Add($"part 8: only {opened:N0} of {subscribers:N0} subscriptions opened");

        BenchContext.Log($"part 8: the same ingest with {opened:N0} subscribers");
        var withSubscribers = await IngestAsync(ctx, seconds, () => Interlocked.Increment(ref next), sent);
        await Task.Delay(TimeSpan.FromSeconds(smoke ? 1 : 3));
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        if (disconnected > 0)
            ctx.Notes.Add($"part 8: {disconnected:N0} subscribers were disconnected as too slow");
        return new LiveResult(opened, alone, withSubscribers, latencies.Percentile(50), latencies.Percentile(99), delivered, disconnected);
    }

    /// <summary>New contacts from 4 clients for <paramref name="seconds"/>; accepted interactions per second.</summary>
    private static async Task<double> IngestAsync(BenchContext ctx, double seconds, Func<long> nextNumber, ConcurrentDictionary<string, long>? sent)
    {
        var clock = Stopwatch.StartNew();
        long accepted = 0;
        var epoch = DateTime.UtcNow.AddDays(-2);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                var body = new StringBuilder("[");
                var ids = new List<string>(200);
                for (var i = 0; i < 200; i++)
                {
                    var n = nextNumber();
                    var id = $"live-{n}";
                    ids.Add(id);
                    body.Append(i == 0 ? "" : ",").Append("{\"customer\":\"live-").Append(n % 50_000).Append("@live.example\",\"channel\":\"CHAT\",\"startedAt\":\"")
                        .Append(epoch.AddMilliseconds(n).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture))
                        .Append("\",\"id\":\"").Append(id).Append("\"}");
                }
                body.Append(']');
                var t0 = Stopwatch.GetTimestamp();
                if (sent is not null)
                {
                    foreach (var id in ids)
                        sent[id] = t0;
                }
                Interlocked.Add(ref accepted, (await ctx.PostInteractionsAsync(Encoding.UTF8.GetBytes(body.ToString()))).Accepted);
            }
        })));
        return accepted / clock.Elapsed.TotalSeconds;
    }
}
