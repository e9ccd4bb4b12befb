using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace CxActors.Tests.Infrastructure;

/// <summary>
/// A minimal OTLP/HTTP receiver (<c>http/protobuf</c>) for tests: keeps every span posted to <c>/v1/traces</c> and
/// answers 200 to every export (metrics and logs are accepted and dropped). Decodes only the protobuf fields a span
/// test needs (opentelemetry-proto: ExportTraceServiceRequest → ResourceSpans → ScopeSpans → Span).
/// </summary>
public sealed class OtlpTraceCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();

    public OtlpTraceCollector()
    {
        Endpoint = $"http://127.0.0.1:{SiloProcess.FreePort()}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _ = Task.Run(ReceiveAsync);
    }

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint { get; }

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    /// <summary>Waits until <paramref name="done"/> holds over the spans received so far, or throws after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForAsync(Func<IReadOnlyList<OtlpSpan>, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var spans = Spans;
            if (done(spans))
                return spans;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("spans received:\n" + string.Join('\n', spans.Select(s => $"{s.Scope} | {s.Name} | {s.TraceId} {s.SpanId} <- {s.ParentSpanId}")));
            await Task.Delay(100);
        }
    }

    private async Task ReceiveAsync()
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
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.Url?.AbsolutePath == "/v1/traces")
                foreach (var span in Decode(body.ToArray()))
                    _spans.Enqueue(span);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private static IEnumerable<OtlpSpan> Decode(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))
            foreach (var scopeSpans in Fields(resourceSpans.Bytes).Where(f => f.Number == 2))
            {
                var scope = Fields(scopeSpans.Bytes).Where(f => f.Number == 1).Select(f => Text(Fields(f.Bytes), 1)).FirstOrDefault() ?? "";
                foreach (var span in Fields(scopeSpans.Bytes).Where(f => f.Number == 2))
                {
                    var fields = Fields(span.Bytes).ToList();
                    var links = fields.Where(f => f.Number == 13)
                        .Select(f => Fields(f.Bytes).ToList())
                        .Select(l => (Hex(l, 1), Hex(l, 2))).ToList();
                    var attributes = new Dictionary<string, string>();
                    foreach (var kv in fields.Where(f => f.Number == 9).Select(f => Fields(f.Bytes).ToList()))
                    {
                        var value = kv.Where(f => f.Number == 2).Select(f => Fields(f.Bytes).FirstOrDefault()).FirstOrDefault();
                        attributes[Text(kv, 1) ?? ""] = value.Number == 1 ? Encoding.UTF8.GetString(value.Bytes) : value.Varint.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                    yield return new OtlpSpan(scope, Text(fields, 5) ?? "", Hex(fields, 1), Hex(fields, 2), Hex(fields, 4),
                        (int)fields.Where(f => f.Number == 6).Select(f => f.Varint).FirstOrDefault(), links, attributes);
                }
            }
    }

    private static string? Text(IEnumerable<Field> fields, int number) =>
        fields.Where(f => f.Number == number).Select(f => Encoding.UTF8.GetString(f.Bytes)).FirstOrDefault();

    private static string Hex(IEnumerable<Field> fields, int number) =>
        fields.Where(f => f.Number == number).Select(f => Convert.ToHexStringLower(f.Bytes)).FirstOrDefault() ?? "";

    private readonly record struct Field(int Number, ulong Varint, byte[] Bytes);

    /// <summary>The top-level fields of a protobuf message (varint, fixed and length-delimited wire types).</summary>
    private static IEnumerable<Field> Fields(byte[] message)
    {
        var fields = new List<Field>();
        var i = 0;
        ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = message[i++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                    return value;
            }
        }
        while (i < message.Length)
        {
            var key = Varint();
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    fields.Add(new Field(number, Varint(), []));
                    break;
                case 1:
                    fields.Add(new Field(number, BitConverter.ToUInt64(message, i), []));
                    i += 8;
                    break;
                case 2:
                    var length = (int)Varint();
                    fields.Add(new Field(number, 0, message[i..(i + length)]));
                    i += length;
                    break;
                case 5:
                    fields.Add(new Field(number, BitConverter.ToUInt32(message, i), []));
                    i += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {key & 7} not expected in OTLP");
            }
        }
        return fields;
    }

    public void Dispose() => _listener.Close();
}
