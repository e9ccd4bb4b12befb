using System.ComponentModel.DataAnnotations;

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
