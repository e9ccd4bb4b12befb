using System.Buffers;
using System.Text.Json;

namespace CxActors.Ingest;

/// <summary>
/// Cuts a JSON array, or a sequence of top-level values (NDJSON), into its elements without ever holding more
/// than one element (plus a read chunk) in memory: a Utf8JsonReader runs over a refilled buffer, and an element
/// cut short by the end of the buffer is re-read from its start once more bytes are in.
/// </summary>
internal sealed class JsonRecordStream(Stream body) : IDisposable
{
    private const int ChunkBytes = 64 * 1024;
    /// <summary>One record larger than this is taken for a broken body rather than buffered without bound.</summary>
    internal const int MaxRecordBytes = 16 * 1024 * 1024;

    private enum Mode { Start, ArrayOpening, Array, Ndjson, AfterArray, Done }
    private enum Step { Element, NeedMore, End }

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
    private int _pos;
    private int _len;
    private bool _eof;
    private Mode _mode = Mode.Start;
    private JsonReaderState _state;
    private int _elementStart;
    private int _elementLength;

    /// <summary>The current element's UTF-8 text; valid until the next <see cref="ReadAsync"/>.</summary>
    public ReadOnlyMemory<byte> Element => _buffer.AsMemory(_elementStart, _elementLength);

    public bool IsObject { get; private set; }

    /// <summary>Moves to the next element; <paramref name="index"/> (the next record's) only names the place in errors.</summary>
    public async ValueTask<bool> ReadAsync(int index, CancellationToken ct)
    {
        if (_mode == Mode.Start)
            await StartAsync(ct).ConfigureAwait(false);
        while (true)
        {
            switch (TryNext(index))
            {
                case Step.Element:
                    return true;
                case Step.End:
                    _mode = Mode.Done;
                    return false;
                default:
                    await FillAsync(ct).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Skips a UTF-8 BOM and white space, then tells an array from NDJSON by the first character.</summary>
    private async ValueTask StartAsync(CancellationToken ct)
    {
        while (_len < 3 && !_eof)
            await FillAsync(ct).ConfigureAwait(false);
        if (_len >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
            _pos = 3;
        while (true)
        {
            while (_pos < _len && IsWhiteSpace(_buffer[_pos]))
                _pos++;
            if (_pos < _len)
                break;
            if (_eof)
                throw new IngestFormatException("the body is empty: expected a JSON array or NDJSON objects");
            await FillAsync(ct).ConfigureAwait(false);
        }
        var first = _buffer[_pos];
        _mode = first switch
        {
            (byte)'[' => Mode.ArrayOpening,
            (byte)'{' => Mode.Ndjson,
            _ => throw new IngestFormatException(
                $"expected a JSON array ('[') or NDJSON objects ('{{'), but the body starts with {Describe(first)}"),
        };
        // Depth is the record's business (IngestAdapters rejects a record nested too deep), not the body's: the
        // container reader accepts any depth a record of at most MaxRecordBytes can reach.
        _state = new JsonReaderState(new JsonReaderOptions { AllowMultipleValues = _mode == Mode.Ndjson, MaxDepth = MaxRecordBytes });
    }

    private Step TryNext(int index)
    {
        if (_mode == Mode.AfterArray)
            return TrailingAfterArray();
        try
        {
            if (_mode == Mode.ArrayOpening)
            {
                var opening = new Utf8JsonReader(_buffer.AsSpan(_pos, _len - _pos), _eof, _state);
                if (!opening.Read())
                    return Step.NeedMore;
                Commit(ref opening);
                _mode = Mode.Array;
            }
            var reader = new Utf8JsonReader(_buffer.AsSpan(_pos, _len - _pos), _eof, _state);
            if (!reader.Read())
            {
                // Only reachable at depth 0: NDJSON after its last value (a final block inside an array throws).
                Commit(ref reader);
                return _eof ? Step.End : Step.NeedMore;
            }
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                Commit(ref reader);
                _mode = Mode.AfterArray;
                return TrailingAfterArray();
            }
            var start = (int)reader.TokenStartIndex;
            IsObject = reader.TokenType == JsonTokenType.StartObject;
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                return Step.NeedMore;
            _elementStart = _pos + start;
            _elementLength = (int)reader.BytesConsumed - start;
            Commit(ref reader);
            return Step.Element;
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0)
                message = message[..cut];
            throw new IngestFormatException(
                $"malformed JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1} (record {index}): {message}");
        }
    }

    private void Commit(ref Utf8JsonReader reader)
    {
        _state = reader.CurrentState;
        _pos += (int)reader.BytesConsumed;
    }

    private Step TrailingAfterArray()
    {
        while (_pos < _len && IsWhiteSpace(_buffer[_pos]))
            _pos++;
        if (_pos < _len)
            throw new IngestFormatException($"unexpected {Describe(_buffer[_pos])} after the closing ']' of the array");
        return _eof ? Step.End : Step.NeedMore;
    }

    /// <summary>
    /// Keeps the unread tail, grows the buffer only when one element fills it, and reads until the buffer is full
    /// (or the body ends). Filling it whole matters: an element cut short is re-read from its start after each
    /// fill, so topping up by whatever one read returned (a byte, from a slow client) would make a large record
    /// cost the square of its size. With whole fills and a doubling buffer the re-reads add up to a few times it.
    /// </summary>
    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_eof)
            throw new InvalidOperationException("read past the end of the body");
        if (_pos > 0)
        {
            Buffer.BlockCopy(_buffer, _pos, _buffer, 0, _len - _pos);
            _len -= _pos;
            _elementStart = _elementLength = 0;
            _pos = 0;
        }
        if (_len == _buffer.Length)
        {
            if (_buffer.Length >= MaxRecordBytes)
                throw new IngestFormatException($"a record is larger than {MaxRecordBytes / (1024 * 1024)} MiB");
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _len);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        while (_len < _buffer.Length)
        {
            var read = await body.ReadAsync(_buffer.AsMemory(_len), ct).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
                break;
            }
            _len += read;
        }
    }

    private static bool IsWhiteSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static string Describe(byte b) => b is >= 0x20 and < 0x7F ? $"'{(char)b}'" : $"byte 0x{b:X2}";

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
