using System.Security.Cryptography;
using System.Text;

namespace CxActors;

/// <summary>
/// An interaction's identity is the source system's id when given, otherwise (customer, channel, startedAt).
/// It is hashed into a fixed 32-hex-character id so that the unique key in MySQL stays small and a
/// re-delivery through any silo, at any time, maps to the same row.
/// </summary>
public static class InteractionIdentity
{
    public static string Compute(string customerId, Channel channel, DateTime startedAtUtc, string? sourceId)
    {
        // The customer is part of both forms: a grain owns its customer's identities, so two customers can
        // never collide on a source id reused by different source systems. Hashed on the stack: this runs for
        // every ingested record.
        var natural = sourceId is not { Length: > 0 };
        Span<char> ticks = stackalloc char[20];
        startedAtUtc.Ticks.TryFormat(ticks, out var ticksLength, default, System.Globalization.CultureInfo.InvariantCulture);
        var tail = natural ? ticks[..ticksLength] : sourceId.AsSpan();
        var code = channel.ToCode();
        var length = 4 + customerId.Length + 1 + code.Length + 1 + tail.Length;
        char[]? rented = length > 256 ? System.Buffers.ArrayPool<char>.Shared.Rent(length) : null;
        Span<char> key = rented ?? stackalloc char[256];
        var at = 0;
        (natural ? "nat\n" : "src\n").AsSpan().CopyTo(key);
        at += 4;
        customerId.AsSpan().CopyTo(key[at..]);
        at += customerId.Length;
        key[at++] = '\n';
        code.AsSpan().CopyTo(key[at..]);
        at += code.Length;
        key[at++] = '\n';
        tail.CopyTo(key[at..]);
        at += tail.Length;

        var bytes = Encoding.UTF8.GetMaxByteCount(at) <= 1024 ? stackalloc byte[1024] : new byte[Encoding.UTF8.GetMaxByteCount(at)];
        var written = Encoding.UTF8.GetBytes(key[..at], bytes);
        if (rented is not null)
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes[..written], hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>Truncates to whole milliseconds (MySQL DATETIME(3)) and marks the kind as UTC.</summary>
    public static DateTime NormalizeUtc(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
