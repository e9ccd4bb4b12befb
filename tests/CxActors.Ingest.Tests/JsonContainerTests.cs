using System.Text;
using static CxActors.Ingest.Tests.TestSupport;

namespace CxActors.Ingest.Tests;

[Collection(MeasuredMemoryCollection.Name)]
public sealed class JsonContainerTests
{
    private const string A = """{"customer":"a@x.com","channel":"CHAT","startedAt":"2019-08-01T08:15:27-03:00"}""";
    private const string B = """{"customer":"b@x.com","channel":"EMAIL","startedAt":"2019-08-02T10:00:00Z"}""";

    [Fact]
    public async Task Array_and_ndjson_give_the_same_records()
    {
        var array = await ReadAsync(IngestFormat.Canonical, $"[\n  {A},\n  {B}\n]\n");
        var ndjson = await ReadAsync(IngestFormat.Canonical, $"{A}\n{B}\n");
        var crlf = await ReadAsync(IngestFormat.Canonical, $"{A}\r\n\r\n{B}");

        foreach (var records in new[] { array, ndjson, crlf })
        {
            Assert.Equal(2, records.Count);
            Assert.Equal([0, 1], records.Select(r => r.Index));
            Assert.Equal(A, records[0].Raw);
            Assert.Equal(B, records[1].Raw);
            Assert.Equal("a@x.com", records[0].Draft!.Email);
            Assert.Equal(Utc(2019, 8, 1, 11, 15, 27), records[0].Draft!.StartedAt);
            Assert.Equal(Utc(2019, 8, 2, 10, 0), records[1].Draft!.StartedAt);
        }
    }

    [Fact]
    public async Task Bom_and_leading_white_space_are_accepted()
    {
        var records = await ReadAsync(IngestFormat.Canonical, WithBom($" \r\n\t[{A}]"));
        Assert.Equal("a@x.com", Assert.Single(records).Draft!.Email);
        records = await ReadAsync(IngestFormat.Canonical, WithBom($"{A}\n"));
        Assert.Equal("a@x.com", Assert.Single(records).Draft!.Email);
    }

    [Fact]
    public async Task Empty_array_has_no_records()
    {
        Assert.Empty(await ReadAsync(IngestFormat.Canonical, " [ ] \n"));
    }

    [Fact]
    public async Task Non_object_values_are_rejected_one_by_one()
    {
        var records = await ReadAsync(IngestFormat.Canonical, $"[{A}, 42, \"text\", [1, 2], null, {B}]");

        Assert.Equal(6, records.Count);
        Assert.NotNull(records[0].Draft);
        Assert.Equal(["42", "\"text\"", "[1, 2]", "null"], records.Skip(1).Take(4).Select(r => r.Raw));
        Assert.All(records.Skip(1).Take(4), r => Assert.Equal("record is not a JSON object", r.Reason));
        Assert.Equal(5, records[5].Index);
        Assert.NotNull(records[5].Draft);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    [InlineData("customer,channel\n")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    public async Task Bodies_that_are_neither_array_nor_ndjson_are_refused(string body)
    {
        await Assert.ThrowsAsync<IngestFormatException>(() => ReadAsync(IngestFormat.Canonical, body));
    }

    [Fact]
    public async Task Malformed_json_half_way_fails_the_body_after_the_good_records()
    {
        var yielded = new List<IngestRecord>();
        var body = Encoding.UTF8.GetBytes($"[{A},\n{B},\n{{\"customer\": oops}}]");
        using var stream = new MemoryStream(body);

        var ex = await Assert.ThrowsAsync<IngestFormatException>(async () =>
        {
            await foreach (var record in IngestAdapters.ReadAsync(IngestFormat.Canonical, stream, Options(), CancellationToken.None))
                yielded.Add(record);
        });

        Assert.Equal(2, yielded.Count);
        Assert.Contains("malformed JSON at line 3", ex.Message);
        Assert.Contains("record 2", ex.Message);
    }

    [Theory]
    [InlineData("[{\"customer\":\"a@x.com\"")] // cut short
    [InlineData("[{\"customer\":\"a@x.com\"},]")] // trailing comma
    [InlineData("[{\"customer\":\"a@x.com\"}] x")] // data after the array
    [InlineData("[{\"customer\":\"a@x.com\"}][]")]
    [InlineData("{\"customer\":\"a@x.com\"} {")] // NDJSON cut short
    public async Task Broken_containers_fail_the_body(string body)
    {
        await Assert.ThrowsAsync<IngestFormatException>(() => ReadAsync(IngestFormat.Canonical, body));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(100_000)]
    public async Task Records_are_cut_correctly_whatever_the_read_size(int chunk)
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < 300; i++)
            sb.Append(i == 0 ? "" : ",").Append($$"""{"id":{{i}},"customer":"c{{i}}@x.com","channel":"PHONE","startedAt":"2019-08-01T08:15:27.123456-03:00","name":"Zé \"{{i}}\""}""");
        sb.Append(']');

        var records = await ReadAsync(IngestFormat.Canonical, sb.ToString(), chunk: chunk);

        Assert.Equal(300, records.Count);
        for (var i = 0; i < 300; i++)
        {
            Assert.Null(records[i].Reason);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), records[i].Draft!.SourceId);
            Assert.Equal($"Zé \"{i}\"", records[i].Draft!.Name);
            Assert.Equal(new DateTime(2019, 8, 1, 11, 15, 27, 123, DateTimeKind.Utc), records[i].Draft!.StartedAt);
        }
    }

    [Fact]
    public async Task A_large_array_is_streamed_record_by_record_in_bounded_memory()
    {
        // ~60 MB of small records produced on the fly: the reader holds a buffer, never the body. Live memory is
        // measured exactly (forced full collections) at a few points while reading.
        var one = Encoding.UTF8.GetBytes(A);
        var count = 60_000_000 / (one.Length + 1);
        using var stream = new RepeatingArrayStream(one, count);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        var seen = 0;
        await foreach (var record in IngestAdapters.ReadAsync(IngestFormat.Canonical, stream, Options(), CancellationToken.None))
        {
            if (record.Draft is null)
                Assert.Fail(record.Reason);
            if (++seen % (count / 5) == 0)
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }
        Assert.Equal(count, seen);
        Assert.True(peak < 16 * 1024 * 1024, $"{peak:N0} bytes live while reading a {(long)(one.Length + 1) * count:N0}-byte body");
    }

    [Fact]
    public async Task A_single_record_larger_than_the_limit_fails_the_body()
    {
        var huge = "[{\"name\":\"" + new string('x', JsonRecordLimit + 10) + "\"}]";
        var ex = await Assert.ThrowsAsync<IngestFormatException>(() => ReadAsync(IngestFormat.Canonical, huge));
        Assert.Contains("larger than", ex.Message);
    }

    private const int JsonRecordLimit = 16 * 1024 * 1024;

    /// <summary>Produces "[" + record ("," + record)* + "]" without materialising it.</summary>
    private sealed class RepeatingArrayStream(byte[] record, int count) : Stream
    {
        private int _emitted = -1; // -1: the opening bracket is next
        private int _offset;
        private byte[] _current = "["u8.ToArray();

        public override int Read(byte[] buffer, int offset, int length)
        {
            var written = 0;
            while (written < length)
            {
                if (_offset == _current.Length)
                {
                    _emitted++;
                    if (_emitted > count)
                        break;
                    _current = _emitted == count ? "]"u8.ToArray() : _emitted == 0 ? record : [(byte)',', .. record];
                    _offset = 0;
                }
                var n = Math.Min(length - written, _current.Length - _offset);
                Array.Copy(_current, _offset, buffer, offset + written, n);
                _offset += n;
                written += n;
            }
            return written;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Without_KeepAllRawText_only_records_that_may_be_rejected_keep_their_text()
    {
        const string phoneOnly = """{"phone":"71 99999-9999","channel":"CHAT","startedAt":"2019-08-01T08:15:27Z"}""";
        const string bad = """{"customer":"c@x.com","channel":"FAX","startedAt":"2019-08-01T08:15:27Z"}""";
        var records = await ReadAsync(IngestFormat.Canonical, $"{A}\n{phoneOnly}\n{bad}\n", Options() with { KeepAllRawText = false });

        Assert.Equal(3, records.Count);
        Assert.Null(records[0].Reason);
        Assert.Null(records[0].Raw); // has an e-mail and no reason: it cannot be refused any more
        Assert.Equal(phoneOnly, records[1].Raw); // refused later if its phone is linked to nobody
        Assert.NotNull(records[2].Reason);
        Assert.Equal(bad, records[2].Raw);
    }
}
