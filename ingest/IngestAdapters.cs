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
        var ctx = new RecordContext(TimeZoneInfo.FindSystemTimeZoneById(options.SourceTimeZone), options.Clock, options.PhoneRegion);
        return format switch
        {
            IngestFormat.Canonical => ReadJsonAsync(body, new CanonicalAdapter(), ctx, options.KeepAllRawText, ct),
            IngestFormat.Phone => ReadJsonAsync(body, new PhoneExportAdapter(), ctx, options.KeepAllRawText, ct),
            IngestFormat.Chat => ReadJsonAsync(body, new ChatExportAdapter(), ctx, options.KeepAllRawText, ct),
            IngestFormat.WhatsApp => ReadCsvAsync(body, new WhatsAppExportAdapter(), ctx, options.KeepAllRawText, ct),
            IngestFormat.Email => ReadCsvAsync(body, new EmailExportAdapter(), ctx, options.KeepAllRawText, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown ingest format"),
        };
    }

    private static async IAsyncEnumerable<IngestRecord> ReadJsonAsync(
        Stream body, JsonAdapter adapter, RecordContext ctx, bool keepAllRaw, [EnumeratorCancellation] CancellationToken ct)
    {
        using var json = new JsonRecordStream(body);
        var index = 0;
        while (await json.ReadAsync(index, ct).ConfigureAwait(false))
        {
            ct.ThrowIfCancellationRequested(); // a buffered body is parsed without awaiting I/O
            InteractionDraft? draft = null;
            string? reason;
            if (!json.IsObject)
            {
                reason = "record is not a JSON object";
            }
            else if (Parse(json.Element) is not { } doc)
            {
                reason = $"record is nested deeper than {MaxRecordDepth} levels";
            }
            else
            {
                // The document only lives until it is mapped.
                using (doc)
                    draft = adapter.Map(doc.RootElement, ctx);
                reason = ctx.TakeReason();
            }
            var raw = keepAllRaw || IngestRecord.MayBeRejected(draft, reason) ? Encoding.UTF8.GetString(json.Element.Span) : null;
            yield return new IngestRecord(index++, raw, draft, reason);
        }
    }

    /// <summary>How deep a record may nest (System.Text.Json's default); no field the adapters read is nested at all.</summary>
    internal const int MaxRecordDepth = 64;

    private static readonly JsonDocumentOptions RecordOptions = new() { MaxDepth = MaxRecordDepth };

    /// <summary>
    /// The element as a document; null when it nests deeper than <see cref="MaxRecordDepth"/>. The container reader
    /// already checked everything else, so depth is the only way this fails, and that is rare enough for a catch.
    /// </summary>
    private static JsonDocument? Parse(ReadOnlyMemory<byte> element)
    {
        try
        {
            return JsonDocument.Parse(element, RecordOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async IAsyncEnumerable<IngestRecord> ReadCsvAsync(
        Stream body, CsvAdapter adapter, RecordContext ctx, bool keepAllRaw, [EnumeratorCancellation] CancellationToken ct)
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
            var raw = keepAllRaw || IngestRecord.MayBeRejected(draft, reason) ? csv.Raw : null;
            yield return new IngestRecord(index++, raw, draft, reason);
        }
    }
}
