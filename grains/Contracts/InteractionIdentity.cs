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
        // never collide on a source id reused by different source systems.
        var key = sourceId is { Length: > 0 }
            ? $"src\n{customerId}\n{channel.ToCode()}\n{sourceId}"
            : $"nat\n{customerId}\n{channel.ToCode()}\n{startedAtUtc.Ticks}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>Truncates to whole milliseconds (MySQL DATETIME(3)) and marks the kind as UTC.</summary>
    public static DateTime NormalizeUtc(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
