using System.Runtime.CompilerServices;
using System.Text;

namespace CxActors.Ingest;

/// <summary>
/// Cuts an export file of any size into request bodies of at most N records, each valid on its own: CSV chunks
/// repeat the header row, JSON chunks are arrays. Records are counted exactly as the server counts them (the
/// same readers), so a rejection's index in a chunk plus <see cref="ExportChunk.FirstRecord"/> is its index in
/// the file. Only one chunk is held in memory at a time.
/// </summary>
public static class ExportChunker
{
    public static async IAsyncEnumerable<ExportChunk> ChunkAsync(IngestFormat format, Stream file, int recordsPerChunk,
        [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recordsPerChunk, 1);
        var body = new MemoryStream();
        var first = 0;
        var count = 0;
        if (IngestFormats.IsCsv(format))
        {
            using var csv = new CsvRecordStream(file);
            if (!await csv.ReadAsync(ct).ConfigureAwait(false))
                throw new IngestFormatException("the file is empty: expected a CSV header row");
            var header = Encoding.UTF8.GetBytes(csv.Raw + "\n");
            body.Write(header);
            while (await csv.ReadAsync(ct).ConfigureAwait(false))
            {
                body.Write(Encoding.UTF8.GetBytes(csv.Raw));
                body.WriteByte((byte)'\n');
                if (++count == recordsPerChunk)
                {
                    yield return new ExportChunk(body.ToArray(), first, count, "text/csv");
                    (first, count) = (first + count, 0);
                    body.SetLength(0);
                    body.Write(header);
                }
            }
            if (count > 0)
                yield return new ExportChunk(body.ToArray(), first, count, "text/csv");
            yield break;
        }

        // JSON chunks are arrays, not NDJSON: the server reads NDJSON only when the body starts with an object, so
        // an export whose chunk began with another value (a number, a string: a record it rejects) would fail whole.
        using var json = new JsonRecordStream(file);
        while (await json.ReadAsync(first + count, ct).ConfigureAwait(false))
        {
            body.Write(count == 0 ? "["u8 : ",\n"u8);
            body.Write(json.Element.Span);
            if (++count == recordsPerChunk)
            {
                body.Write("]\n"u8);
                yield return new ExportChunk(body.ToArray(), first, count, "application/json");
                (first, count) = (first + count, 0);
                body.SetLength(0);
            }
        }
        if (count > 0)
        {
            body.Write("]\n"u8);
            yield return new ExportChunk(body.ToArray(), first, count, "application/json");
        }
    }
}
