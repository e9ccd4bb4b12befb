using System.Net;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

public sealed record TelemetryResult(double IngestOnPerSecond, double IngestOffPerSecond, double QueryOnPerSecond, double QueryOffPerSecond,
    int Rounds, long ExportRequests, long ExportBytes)
{
    public double IngestRatio => IngestOnPerSecond / IngestOffPerSecond;
    public double QueryRatio => QueryOnPerSecond / QueryOffPerSecond;
}

/// <summary>
/// Issue 11's cost of telemetry: the same ingest and query loads against a silo started with <c>Telemetry:Enabled=true</c>
/// (metrics and traces at the default sampling, exported over OTLP/HTTP to a sink in this process that only counts
/// what it receives) and with it false, on the same database, in the order off, on, on, off (a drift of the machine
/// over the part cancels out of the ratio). Each phase restarts the silo on the same ports, warms it up, ingests its
/// own new customers (the activation shape, a twentieth of part 1's size per phase) and runs the customer query of part 3
/// for half of <c>--query-seconds</c>. Last in the run: it replaces the silo.
/// </summary>
public static class TelemetryBench
{
    private const long FirstSourceNumber = 9_500_000_000;

    public static async Task<TelemetryResult?> RunAsync(BenchContext ctx, Func<SiloPorts, IDictionary<string, string>, Task<SiloProcess>> startSilo)
    {
        var o = ctx.Options;
        if (!await QueryBench.GraphQLAvailableAsync(ctx))
        {
            ctx.Notes.Add("telemetry: GraphQL endpoint not available; telemetry figures are null");
            return null;
        }
        using var sink = new OtlpSink();
        var random = new Random(o.Seed + 13);
        var queries = Enumerable.Range(0, 1 << 14).Select(_ => QueryBench.Body(QueryBench.CustomerQuery, ctx.Data.Emails[random.Next(ctx.Data.Emails.Length)])).ToArray();
        var perPhase = Math.Max(o.Batch, o.Interactions / 20);
        var rates = new Dictionary<bool, (List<double> Ingest, List<double> Query)> { [false] = ([], []), [true] = ([], []) };
        bool[] order = [false, true, true, false];
        for (var phase = 0; phase < order.Length; phase++)
        {
            var enabled = order[phase];
            var settings = new Dictionary<string, string> { ["Telemetry:Enabled"] = enabled ? "true" : "false" };
            if (enabled)
            {
                settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.Url;
                settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            }
            BenchContext.Log($"telemetry {phase + 1}/{order.Length}: restarting the silo with Telemetry:Enabled={enabled}");
            var old = ctx.Silo;
            await old.StopAsync(TimeSpan.FromSeconds(20));
            ctx.Silo = await startSilo(old.Ports, settings);
            await old.DisposeAsync();
            for (var q = 0; q < 100; q++)
                (await QueryBench.PostGraphQLAsync(ctx, QueryBench.CustomerQuery, ctx.Data.Emails[q % ctx.Data.Emails.Length])).Dispose();

            var (bodies, _, _) = ActivationBench.NewCustomerBodies(ctx, $"tel{phase}", perPhase, o.Seed + 17 + phase, FirstSourceNumber + phase * 100_000_000L);
            var label = enabled ? "on" : "off";
            var ((accepted, seconds), _) = await ctx.MeasureAsync($"T{phase + 1} ingest, telemetry {label}", () => ActivationBench.PostAllAsync(ctx, bodies, o.IngestClients));
            rates[enabled].Ingest.Add(accepted / seconds);

            var counts = new long[2];
            var (querySeconds, _) = await ctx.MeasureAsync($"T{phase + 1} query, telemetry {label}",
                () => QueryBench.GraphQLLoadAsync(ctx, queries, o.QueryClients, o.QuerySeconds / 2, new Latencies(), counts));
            rates[enabled].Query.Add((counts[0] - counts[1]) / querySeconds);
            if (counts[1] > 0)
                ctx.Notes.Add($"telemetry phase {phase + 1}: {counts[1]:N0} of {counts[0]:N0} GraphQL requests failed or returned errors");
        }
        if (sink.Requests == 0)
            ctx.Notes.Add("telemetry: the OTLP sink received nothing from the silo with telemetry on: the ratio does not include export");
        return new TelemetryResult(rates[true].Ingest.Average(), rates[false].Ingest.Average(), rates[true].Query.Average(), rates[false].Query.Average(),
            order.Length / 2, sink.Requests, sink.Bytes);
    }

    /// <summary>An OTLP/HTTP receiver that accepts and counts every export (traces, metrics, logs) and keeps nothing.</summary>
    private sealed class OtlpSink : IDisposable
    {
        private readonly HttpListener _listener = new();
        private long _requests, _bytes;

        public OtlpSink()
        {
            var port = SiloProcess.FreePort();
            Url = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string Url { get; }
        public long Requests => Interlocked.Read(ref _requests);
        public long Bytes => Interlocked.Read(ref _bytes);

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using (var body = new MemoryStream())
                {
                    await context.Request.InputStream.CopyToAsync(body);
                    Interlocked.Add(ref _bytes, body.Length);
                }
                Interlocked.Increment(ref _requests);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
