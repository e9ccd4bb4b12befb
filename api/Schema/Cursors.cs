using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;

namespace CxActors.Api.Schema;

/// <summary>
/// Opaque keyset cursors: base64url of a one-byte kind tag and the sort key of the last row of a page.
/// They stay valid while new rows arrive, because they name a position in the order, not an offset.
/// </summary>
public static class Cursors
{
    private const byte InteractionTag = (byte)'i';
    private const byte CountTag = (byte)'c';
    private const byte CustomerTag = (byte)'u';
    private const byte PhoneConflictTag = (byte)'p';
    private const int MaxKeyBytes = 1024;

    /// <summary>An interaction's (startedAt, id): the order of <see cref="ICustomerGrain.GetInteractionsAsync"/>.</summary>
    public static string Interaction(InteractionCursor cursor)
    {
        var id = Encoding.UTF8.GetBytes(cursor.Id);
        var bytes = new byte[9 + id.Length];
        bytes[0] = InteractionTag;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), cursor.StartedAt.Ticks);
        id.CopyTo(bytes, 9);
        return Base64Url.EncodeToString(bytes);
    }

    public static InteractionCursor? ParseInteraction(string? cursor)
    {
        if (cursor is null)
            return null;
        var bytes = Decode(cursor, InteractionTag, minLength: 10);
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1));
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            throw Invalid();
        return new InteractionCursor(new DateTime(ticks, DateTimeKind.Utc), Utf8(bytes.AsSpan(9)));
    }

    /// <summary>A row of contactCounts: (contacts descending, customer id ascending).</summary>
    public static string Count(int contacts, string customerId)
    {
        var id = Encoding.UTF8.GetBytes(customerId);
        var bytes = new byte[5 + id.Length];
        bytes[0] = CountTag;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), contacts);
        id.CopyTo(bytes, 5);
        return Base64Url.EncodeToString(bytes);
    }

    public static (int Contacts, string CustomerId)? ParseCount(string? cursor)
    {
        if (cursor is null)
            return null;
        var bytes = Decode(cursor, CountTag, minLength: 6);
        var contacts = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1));
        if (contacts < 1)
            throw Invalid();
        return (contacts, Utf8(bytes.AsSpan(5)));
    }

    /// <summary>A customer id, for the customers list in id order.</summary>
    public static string Customer(string customerId)
    {
        var id = Encoding.UTF8.GetBytes(customerId);
        var bytes = new byte[1 + id.Length];
        bytes[0] = CustomerTag;
        id.CopyTo(bytes, 1);
        return Base64Url.EncodeToString(bytes);
    }

    public static string? ParseCustomer(string? cursor) =>
        cursor is null ? null : Utf8(Decode(cursor, CustomerTag, minLength: 2).AsSpan(1));

    /// <summary>A phone link conflict's id, for phoneConflicts in the order they were recorded.</summary>
    public static string PhoneConflict(long conflictId)
    {
        var bytes = new byte[9];
        bytes[0] = PhoneConflictTag;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), conflictId);
        return Base64Url.EncodeToString(bytes);
    }

    public static long? ParsePhoneConflict(string? cursor)
    {
        if (cursor is null)
            return null;
        var bytes = Decode(cursor, PhoneConflictTag, minLength: 9);
        var id = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1));
        if (bytes.Length != 9 || id < 1)
            throw Invalid();
        return id;
    }

    private static byte[] Decode(string cursor, byte tag, int minLength)
    {
        if (cursor.Length == 0 || cursor.Length > MaxKeyBytes * 2)
            throw Invalid();
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            throw Invalid();
        }
        if (bytes.Length < minLength || bytes[0] != tag)
            throw Invalid();
        return bytes;
    }

    private static string Utf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            throw Invalid();
        }
    }

    private static ExecutionError Invalid() =>
        new("Argument 'after' is not a cursor of this list: pass a pageInfo.endCursor returned by the same field.") { Code = ErrorCodes.InvalidCursor };
}
