using System.Buffers;
using System.Text;

namespace CxActors.Ingest;

/// <summary>
/// RFC 4180 records (comma separator; quoted fields with commas, doubled quotes and line breaks) read from a
/// refilled char buffer. Fields are kept as ranges into the buffer and only turned into strings when an adapter
/// asks for them, so a record costs a few allocations at most. A record cut short by the end of the buffer is
/// parsed again from its start once more text is in; memory is bounded by the largest record.
/// </summary>
internal sealed class CsvRecordStream : IDisposable
{
    private const int ChunkChars = 32 * 1024;
    /// <summary>One record longer than this is taken for a broken body (typically a quote left open).</summary>
    internal const int MaxRecordChars = 4 * 1024 * 1024;

    private static readonly SearchValues<char> Delimiters = SearchValues.Create(",\r\n");

    private enum Step { Record, NeedMore, End }
    private enum FieldKind : byte { Plain, Quoted, QuotedWithEscapes }

    private readonly StreamReader _reader;
    private char[] _buffer = new char[ChunkChars];
    private int _pos;
    private int _len;
    private bool _eof;
    private int _recordStart;
    private int _recordEnd;
    private int[] _starts = new int[16];
    private int[] _lengths = new int[16];
    private FieldKind[] _kinds = new FieldKind[16];

    public CsvRecordStream(Stream body)
    {
        // The BOM is skipped by the reader (the header's first name is also cleaned of a stray U+FEFF, in case a
        // body arriving in tiny reads slips past detection); invalid UTF-8 becomes U+FFFD rather than failing the body.
        _reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true,
            bufferSize: ChunkChars, leaveOpen: true);
    }

    public int FieldCount { get; private set; }

    /// <summary>Why the current record could not be split into fields, or null.</summary>
    public string? Malformed { get; private set; }

    /// <summary>The current record's text as it appeared, without its line break.</summary>
    public string Raw => new(_buffer, _recordStart, _recordEnd - _recordStart);

    /// <summary>The field's text (quotes removed, doubled quotes undone); valid until the next <see cref="ReadAsync"/>.</summary>
    public ReadOnlySpan<char> Field(int i)
    {
        var span = _buffer.AsSpan(_starts[i], _lengths[i]);
        return _kinds[i] == FieldKind.QuotedWithEscapes ? span.ToString().Replace("\"\"", "\"", StringComparison.Ordinal) : span;
    }

    /// <summary>Moves to the next record, skipping blank lines.</summary>
    public async ValueTask<bool> ReadAsync(CancellationToken ct)
    {
        while (true)
        {
            switch (TryParse())
            {
                case Step.Record:
                    if (IsBlank())
                        continue;
                    return true;
                case Step.End:
                    return false;
                default:
                    await FillAsync(ct).ConfigureAwait(false);
                    break;
            }
        }
    }

    private bool IsBlank() =>
        FieldCount == 1 && _kinds[0] == FieldKind.Plain && _buffer.AsSpan(_starts[0], _lengths[0]).IsWhiteSpace();

    private Step TryParse()
    {
        var buffer = _buffer;
        var len = _len;
        var i = _pos;
        if (i >= len)
            return _eof ? Step.End : Step.NeedMore;
        FieldCount = 0;
        Malformed = null;
        while (true)
        {
            if (i < len && buffer[i] == '"')
            {
                var open = i;
                var escapes = false;
                var j = i + 1;
                while (true)
                {
                    var q = buffer.AsSpan(j, len - j).IndexOf('"');
                    if (q < 0)
                    {
                        if (!_eof)
                            return Step.NeedMore;
                        Malformed = $"field {FieldCount + 1}: the quoted field is never closed";
                        j = len;
                        break;
                    }
                    j += q;
                    if (j + 1 >= len && !_eof)
                        return Step.NeedMore; // the next char tells a closing quote from a doubled one
                    if (j + 1 < len && buffer[j + 1] == '"')
                    {
                        escapes = true;
                        j += 2;
                        continue;
                    }
                    break;
                }
                AddField(open + 1, j - open - 1, escapes ? FieldKind.QuotedWithEscapes : FieldKind.Quoted);
                i = Math.Min(j + 1, len);
                if (i < len && buffer[i] is not (',' or '\r' or '\n'))
                {
                    Malformed ??= $"field {FieldCount}: text after the closing quote";
                    var k = buffer.AsSpan(i, len - i).IndexOfAny(Delimiters);
                    if (k < 0 && !_eof)
                        return Step.NeedMore;
                    i = k < 0 ? len : i + k;
                }
            }
            else
            {
                var k = buffer.AsSpan(i, len - i).IndexOfAny(Delimiters);
                if (k < 0)
                {
                    if (!_eof)
                        return Step.NeedMore;
                    k = len - i;
                }
                AddField(i, k, FieldKind.Plain);
                i += k;
            }

            if (i >= len)
            {
                _recordStart = _pos;
                _recordEnd = _pos = len;
                return Step.Record;
            }
            var c = buffer[i];
            if (c == ',')
            {
                i++;
                continue;
            }
            var end = i;
            if (c == '\r')
            {
                if (i + 1 >= len && !_eof)
                    return Step.NeedMore;
                i += i + 1 < len && buffer[i + 1] == '\n' ? 2 : 1;
            }
            else
            {
                i++;
            }
            _recordStart = _pos;
            _recordEnd = end;
            _pos = i;
            return Step.Record;
        }
    }

    private void AddField(int start, int length, FieldKind kind)
    {
        if (FieldCount == _starts.Length)
        {
            Array.Resize(ref _starts, FieldCount * 2);
            Array.Resize(ref _lengths, FieldCount * 2);
            Array.Resize(ref _kinds, FieldCount * 2);
        }
        _starts[FieldCount] = start;
        _lengths[FieldCount] = length;
        _kinds[FieldCount] = kind;
        FieldCount++;
    }

    /// <summary>
    /// Keeps the unread tail, grows the buffer only when one record fills it, and reads until the buffer is full (or
    /// the body ends): a record cut short is parsed again from its start after each fill, so topping up by whatever
    /// one read returned (a character, from a body arriving a byte at a time) would make a long record quadratic.
    /// </summary>
    private async ValueTask FillAsync(CancellationToken ct)
    {
        if (_pos > 0)
        {
            Array.Copy(_buffer, _pos, _buffer, 0, _len - _pos);
            _len -= _pos;
            _pos = 0;
        }
        if (_len == _buffer.Length)
        {
            if (_buffer.Length >= MaxRecordChars)
                throw new IngestFormatException(
                    $"a CSV record is longer than {MaxRecordChars} characters (is a quote left open?)");
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        while (_len < _buffer.Length)
        {
            var read = await _reader.ReadAsync(_buffer.AsMemory(_len), ct).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
                break;
            }
            _len += read;
        }
    }

    public void Dispose() => _reader.Dispose();
}
