using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CxActors.Access;

/// <summary>
/// The form of an API key and its hash: <c>cxk_</c> and the URL-safe base64 (no padding) of 32 random bytes. Only the
/// SHA-256 of the whole key is ever stored or compared (the key has 256 bits of entropy, so a slow hash adds nothing).
/// </summary>
public static partial class ApiKeys
{
    public const string Prefix = "cxk_";

    /// <summary>4 + 43 characters.</summary>
    public const int Length = 47;

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key's shape only (prefix, length, alphabet); whether it exists is the cache's question.</summary>
    public static bool IsWellFormed(string? key) => key is { Length: Length } && WellFormed().IsMatch(key);

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.ASCII.GetBytes(key));

    /// <summary>Key names: what ./cx keys create accepts.</summary>
    public static bool IsValidName(string? name) => name is not null && ValidName().IsMatch(name);

    public const string NameRule = "1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    [GeneratedRegex("^cxk_[A-Za-z0-9_-]{43}$")]
    private static partial Regex WellFormed();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex ValidName();
}
