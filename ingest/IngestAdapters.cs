using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace CxActors.Ingest;

/// <summary>Entry point: turns a request body in one of the accepted formats into a stream of records.</summary>
public static class IngestAdapters
{
    /// <summary>
    /// Streams the body's records, each a draft or a rejection, in body order. Body-level problems throw
    /// <see cref="IngestFormatException"/>, possibly after some records were yielded. The body is read
    /// incrementally and never held whole. An unknown <see cref="IngestOptions.SourceTimeZone"/> throws
    /// <see cref="TimeZoneNotFoundException"/> at once: it is a configuration error, not a client one.
    /// </summary>
    public static IAsyncEnumerable<IngestRecord> ReadAsync(IngestFormat format, Stream body, IngestOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(options);
        var ctx = new RecordContext(TimeZoneInfo.FindSystemTimeZoneById(options.SourceTimeZone), options.Clock);
        return format switch
        {
            IngestFormat.Canonical => ReadJsonAsync(body, new CanonicalAdapter(), ctx, ct),
            IngestFormat.Phone => ReadJsonAsync(body, new PhoneExportAdapter(), ctx, ct),
            IngestFormat.Chat => ReadJsonAsync(body, new ChatExportAdapter(), ctx, ct),
            IngestFormat.WhatsApp => ReadCsvAsync(body, new WhatsAppExportAdapter(), ctx, ct),
            IngestFormat.Email => ReadCsvAsync(body, new EmailExportAdapter(), ctx, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown ingest format"),
        };
    }

    private static async IAsyncEnumerable<IngestRecord> ReadJsonAsync(
        Stream body, JsonAdapter adapter, RecordContext ctx, [EnumeratorCancellation] CancellationToken ct)
    {
        using var json = new JsonRecordStream(body);
        var index = 0;
        while (await json.ReadAsync(index, ct).ConfigureAwait(false))
        {
            ct.ThrowIfCancellationRequested(); // a buffered body is parsed without awaiting I/O
            var raw = Encoding.UTF8.GetString(json.Element.Span);
            InteractionDraft? draft = null;
            string? reason;
            if (json.IsObject)
            {
                // The element was already validated by the reader; the document only lives until it is mapped.
                using var doc = JsonDocument.Parse(json.Element);
                draft = adapter.Map(doc.RootElement, ctx);
                reason = ctx.TakeReason();
            }
            else
            {
                reason = "record is not a JSON object";
            }
            yield return new IngestRecord(index++, raw, draft, reason);
        }
    }

    private static async IAsyncEnumerable<IngestRecord> ReadCsvAsync(
        Stream body, CsvAdapter adapter, RecordContext ctx, [EnumeratorCancellation] CancellationToken ct)
    {
        using var csv = new CsvRecordStream(body);
        if (!await csv.ReadAsync(ct).ConfigureAwait(false))
            throw new IngestFormatException("the body is empty: expected a CSV header row");
        if (csv.Malformed is not null)
            throw new IngestFormatException($"the CSV header row is malformed: {csv.Malformed}");
        adapter.BindHeader(csv);
        var index = 0;
        while (await csv.ReadAsync(ct).ConfigureAwait(false))
        {
            ct.ThrowIfCancellationRequested(); // a buffered body is parsed without awaiting I/O
            var draft = csv.Malformed is null ? adapter.Map(csv, ctx) : null;
            var reason = csv.Malformed ?? ctx.TakeReason();
            yield return new IngestRecord(index++, csv.Raw, draft, reason);
        }
    }
}
