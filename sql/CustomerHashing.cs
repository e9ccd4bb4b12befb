using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CxActors.Database;

/// <summary>The secret behind every keyed hash of a customer (tombstones, the privacy audit).</summary>
public sealed class CustomerHashOptions
{
    public const string Section = "Privacy";

    /// <summary>At least 32 characters of secret. <c>./cx up</c> generates one under <c>.data/</c>.</summary>
    [Required(ErrorMessage = "Privacy:HashKey is not set (environment variable Privacy__HashKey); ./cx up generates one.")]
    [MinLength(32, ErrorMessage = "Privacy:HashKey must be at least 32 characters.")]
    public string HashKey { get; set; } = "";
}

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

public static class CustomerHashingExtensions
{
    /// <summary>The hasher, its key validated at start. Safe to call more than once.</summary>
    public static IServiceCollection AddCustomerHashing(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(CustomerHasher)))
            return services;
        services.AddOptions<CustomerHashOptions>()
            .Bind(configuration.GetSection(CustomerHashOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<CustomerHasher>();
        return services;
    }
}
