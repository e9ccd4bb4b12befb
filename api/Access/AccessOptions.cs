using System.ComponentModel.DataAnnotations;

namespace CxActors.Access;

/// <summary>The <c>Auth</c> section: key cache, JWT bearer, browser sessions and rate limits (defaults in README).</summary>
public sealed class AccessOptions
{
    public const string Section = "Auth";

    /// <summary>How often each silo reloads the live keys: the bound on how long a revoked key still works (plus a query).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    public JwtOptions Jwt { get; set; } = new();

    public CookieSessionOptions Cookie { get; set; } = new();

    /// <summary>Per scope; keys are scope names (ingest, read, admin, metrics).</summary>
    public Dictionary<string, RateLimit> RateLimits { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        [Scopes.Ingest] = new() { PermitsPerSecond = 200, Burst = 400 },
        [Scopes.Read] = new() { PermitsPerSecond = 20_000, Burst = 40_000 },
        [Scopes.Admin] = new() { PermitsPerSecond = 10, Burst = 20 },
        [Scopes.Metrics] = new() { PermitsPerSecond = 10, Burst = 20 },
    };

    public RateLimit LimitFor(string scope) => RateLimits.TryGetValue(scope, out var limit) ? limit : new RateLimit();
}

public sealed class RateLimit
{
    /// <summary>Requests a principal may make per second on the endpoints of one scope; 0 turns the limit off.</summary>
    [Range(0, 10_000_000)]
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>Requests that may come at once after a quiet spell (the token bucket's size).</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; set; } = 200;
}

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

public sealed class CookieSessionOptions
{
    /// <summary>A browser session's life, renewed while it is used.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Where the Data Protection keys that encrypt session cookies are kept; silos behind one address must share it
    /// (else a session opened on one silo is unknown to another). Unset: ASP.NET Core's per-user default.
    /// </summary>
    public string? KeysPath { get; set; }
}
