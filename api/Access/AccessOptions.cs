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
        [Scopes.Ingest] = new() { PermitsPerSecond = 2_000, Burst = 4_000 },
        [Scopes.Read] = new() { PermitsPerSecond = 20_000, Burst = 40_000 },
        [Scopes.Admin] = new() { PermitsPerSecond = 10, Burst = 20 },
        [Scopes.Metrics] = new() { PermitsPerSecond = 10, Burst = 20 },
    };

    public RateLimit LimitFor(string scope) => RateLimits.TryGetValue(scope, out var limit) ? limit : new RateLimit();
}
