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
/// what it receives) and with it false, in the order off, on, on, off (see <see cref="SiloSettingsComparison"/>).
/// Last in the run: it replaces the silo.
/// </summary>
public static class TelemetryBench
{
    private const long FirstSourceNumber = 9_500_000_000;

    public static async Task<TelemetryResult?> RunAsync(BenchContext ctx, Func<SiloPorts, IDictionary<string, string>, Task<SiloProcess>> startSilo)
    {
        if (!await QueryBench.GraphQLAvailableAsync(ctx))
        {
            ctx.Notes.Add("telemetry: GraphQL endpoint not available; telemetry figures are null");
            return null;
        }
        using var sink = new OtlpSink();
        var variants = new Dictionary<string, Dictionary<string, string>>
        {
            ["telemetry off"] = new() { ["Telemetry:Enabled"] = "false" },
            ["telemetry on"] = new()
            {
                ["Telemetry:Enabled"] = "true",
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = sink.Url,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            },
        };
        string[] order = ["telemetry off", "telemetry on", "telemetry on", "telemetry off"];
        var rates = await SiloSettingsComparison.RunAsync(ctx, startSilo, "telemetry", variants, order, FirstSourceNumber, query: true);
        if (sink.Requests == 0)
            ctx.Notes.Add("telemetry: the OTLP sink received nothing from the silo with telemetry on: the ratio does not include export");
        var on = rates["telemetry on"];
        var off = rates["telemetry off"];
        return new TelemetryResult(on.Ingest.Average(), off.Ingest.Average(), on.Query.Average(), off.Query.Average(),
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
