using System.Text;

namespace CxActors.Ingest.Tests;

internal static class TestSupport
{
    /// <summary>Before any seed date and far after it: the future rule only bites where a test sets its own clock.</summary>
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static IngestOptions Options(DateTimeOffset? now = null) => new() { Clock = new FixedClock(now ?? Now) };

    public static DateTime Utc(int y, int mo, int d, int h, int mi, int s = 0) => new(y, mo, d, h, mi, s, DateTimeKind.Utc);

    public static Task<List<IngestRecord>> ReadAsync(IngestFormat format, string body, IngestOptions? options = null, int chunk = int.MaxValue) =>
        ReadAsync(format, Encoding.UTF8.GetBytes(body), options, chunk);

    public static async Task<List<IngestRecord>> ReadAsync(IngestFormat format, byte[] body, IngestOptions? options = null, int chunk = int.MaxValue)
    {
        using var stream = new TrickleStream(body, chunk);
        var records = new List<IngestRecord>();
        await foreach (var record in IngestAdapters.ReadAsync(format, stream, options ?? Options(), CancellationToken.None))
            records.Add(record);
        return records;
    }

    /// <summary>A single record that must have parsed; its draft.</summary>
    public static async Task<InteractionDraft> DraftAsync(IngestFormat format, string body, IngestOptions? options = null)
    {
        var records = await ReadAsync(format, body, options);
        var record = Assert.Single(records);
        Assert.Null(record.Reason);
        return Assert.IsType<InteractionDraft>(record.Draft);
    }

    /// <summary>A single record that must have been rejected; its reason.</summary>
    public static async Task<string> RejectionAsync(IngestFormat format, string body, IngestOptions? options = null)
    {
        var records = await ReadAsync(format, body, options);
        var record = Assert.Single(records);
        Assert.Null(record.Draft);
        return Assert.IsType<string>(record.Reason);
    }

    public static byte[] WithBom(string text) => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)];

    /// <summary>
    /// The seed exports live in shared/seed-datasets, which sits in the repository's parent (or beside a clone):
    /// search upwards from the test binaries.
    /// </summary>
    public static string SeedFile(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "seed-datasets");
            if (Directory.Exists(candidate))
                return Path.Combine(candidate, name);
        }
        throw new DirectoryNotFoundException(
            $"shared/seed-datasets was not found in any folder above {AppContext.BaseDirectory}; the seed tests need it");
    }

    public static async Task<List<IngestRecord>> ReadSeedAsync(IngestFormat format, string name) =>
        await ReadAsync(format, await File.ReadAllBytesAsync(SeedFile(name)));
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Hands out at most <c>chunk</c> bytes per read, to exercise buffer refills at every boundary.</summary>
internal sealed class TrickleStream(byte[] data, int chunk) : Stream
{
    private int _pos;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, chunk), data.Length - _pos);
        data.AsSpan(_pos, n).CopyTo(buffer);
        _pos += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer, offset, count));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
