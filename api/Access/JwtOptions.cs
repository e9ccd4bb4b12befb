using System.ComponentModel.DataAnnotations;

namespace CxActors.Access;

public sealed class JwtOptions
{
    /// <summary>The OIDC issuer whose discovery document gives the signing keys (https unless RequireHttpsMetadata is false).</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must carry (required once JWT is on).</summary>
    public string? Audience { get; set; }

    /// <summary>The claim holding scopes: a space-separated string or an array.</summary>
    public string ScopeClaim { get; set; } = "scope";

    /// <summary>The claim naming the caller (rate limits are per caller).</summary>
    public string NameClaim { get; set; } = "sub";

    /// <summary>Offline: PEM public keys (RSA or EC, one or more blocks), or the path of a PEM or JWKS file.</summary>
    public string? SigningKeys { get; set; }

    /// <summary>The issuer tokens must carry when <see cref="SigningKeys"/> is used (with an Authority, its own).</summary>
    public string? Issuer { get; set; }

    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Allowed clock difference for exp/nbf.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(SigningKeys);
}
