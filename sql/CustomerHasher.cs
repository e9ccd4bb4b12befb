using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CxActors.Database;

/// <summary>
/// HMAC-SHA256 with <see cref="CustomerHashOptions.HashKey"/>: the same subject gives the same 32 bytes on every silo,
/// and nobody without the key can tell which e-mail or phone a stored hash stands for. The kinds are prefixed so that
/// a phone can never collide with a customer id.
/// </summary>
public sealed class CustomerHasher(IOptions<CustomerHashOptions> options)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.HashKey);

    public byte[] Customer(string customerId) => Hash("customer:" + customerId);

    public byte[] Phone(string phone) => Hash("phone:" + phone);

    private byte[] Hash(string subject) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(subject));

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);
}
