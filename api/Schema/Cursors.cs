using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using CxActors.Database;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Schema;

/// <summary>
/// Opaque keyset cursors. A cursor names the sort key of the last row of a page (a position in the order, not an
/// offset, so it stays valid while new rows arrive), and that key is personal data (customer ids are e-mails), so it
/// travels sealed: base64url of <c>nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16)</c>, with the cursor's kind as
/// associated data. Nobody without the key reads a customer id out of a cursor or forges one; a cursor of one list
/// fails authentication on another. The key is derived with HKDF-SHA256 from <c>Privacy:HashKey</c> under its own
/// label: every silo has that secret already (so a cursor from one silo pages on any other), and the derived key is
/// independent of the HMAC key the keyed hashes use. Changing the secret invalidates outstanding cursors (clients
/// start the list again), nothing else. The ciphertext's length follows the key's length (an e-mail's length shows).
/// </summary>
public sealed class Cursors
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int MaxKeyBytes = 1024;
    private static readonly byte[] KeyLabel = "CxActors GraphQL cursor key v1"u8.ToArray();
    private static readonly byte[] InteractionKind = "cx.cursor.v1:interaction"u8.ToArray();
    private static readonly byte[] CountKind = "cx.cursor.v1:contact-count"u8.ToArray();
    private static readonly byte[] CustomerKind = "cx.cursor.v1:customer"u8.ToArray();
    private static readonly byte[] PhoneConflictKind = "cx.cursor.v1:phone-conflict"u8.ToArray();

    private readonly byte[] _key;

    public Cursors(IOptions<CustomerHashOptions> options)
    {
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(options.Value.HashKey), 32, salt: [], info: KeyLabel);
    }

    /// <summary>An interaction's (startedAt, id): the order of <see cref="ICustomerGrain.GetInteractionsAsync"/>.</summary>
    public string Interaction(InteractionCursor cursor)
    {
        var id = Encoding.UTF8.GetBytes(cursor.Id);
        var bytes = new byte[8 + id.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, cursor.StartedAt.Ticks);
        id.CopyTo(bytes, 8);
        return Seal(bytes, InteractionKind);
    }

    public InteractionCursor? ParseInteraction(string? cursor)
    {
        if (cursor is null)
            return null;
        var bytes = Open(cursor, InteractionKind);
        if (bytes.Length < 9)
            throw Invalid();
        var ticks = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
            throw Invalid();
        return new InteractionCursor(new DateTime(ticks, DateTimeKind.Utc), Utf8(bytes.AsSpan(8)));
    }

    /// <summary>A row of contactCounts: (contacts descending, customer id ascending).</summary>
    public string Count(int contacts, string customerId)
    {
        var id = Encoding.UTF8.GetBytes(customerId);
        var bytes = new byte[4 + id.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, contacts);
        id.CopyTo(bytes, 4);
        return Seal(bytes, CountKind);
    }

    public (int Contacts, string CustomerId)? ParseCount(string? cursor)
    {
        if (cursor is null)
            return null;
        var bytes = Open(cursor, CountKind);
        if (bytes.Length < 5)
            throw Invalid();
        var contacts = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (contacts < 1)
            throw Invalid();
        return (contacts, Utf8(bytes.AsSpan(4)));
    }

    /// <summary>A customer id, for the customers list in id order.</summary>
    public string Customer(string customerId) => Seal(Encoding.UTF8.GetBytes(customerId), CustomerKind);

    public string? ParseCustomer(string? cursor)
    {
        if (cursor is null)
            return null;
        var bytes = Open(cursor, CustomerKind);
        return bytes.Length == 0 ? throw Invalid() : Utf8(bytes);
    }

    /// <summary>A phone link conflict's id, for phoneConflicts in the order they were recorded.</summary>
    public string PhoneConflict(long conflictId)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, conflictId);
        return Seal(bytes, PhoneConflictKind);
    }

    public long? ParsePhoneConflict(string? cursor)
    {
        if (cursor is null)
            return null;
        var bytes = Open(cursor, PhoneConflictKind);
        if (bytes.Length != 8)
            throw Invalid();
        var id = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return id < 1 ? throw Invalid() : id;
    }

    private string Seal(byte[] plaintext, byte[] kind)
    {
        var sealedBytes = new byte[NonceBytes + plaintext.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        // Random nonces: far fewer than 2^32 cursors are issued under one key in its lifetime.
        RandomNumberGenerator.Fill(nonce);
        // A new AesGcm per call: instances are not documented as safe for concurrent use, and this is cheap next to a page.
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceBytes, plaintext.Length), sealedBytes.AsSpan(NonceBytes + plaintext.Length), kind);
        return Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The plaintext, or the invalid-cursor error for anything this key did not seal for this kind.</summary>
    private byte[] Open(string cursor, byte[] kind)
    {
        if (cursor.Length == 0 || cursor.Length > MaxKeyBytes * 2)
            throw Invalid();
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(cursor);
        }
        catch (FormatException)
        {
            throw Invalid();
        }
        if (sealedBytes.Length < NonceBytes + TagBytes)
            throw Invalid();
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var plaintext = new byte[length];
        using var aes = new AesGcm(_key, TagBytes);
        try
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plaintext, kind);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Invalid();
        }
        return plaintext;
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
