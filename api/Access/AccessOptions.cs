using System.ComponentModel.DataAnnotations;

namespace CxActors.Access;

/// <summary>The <c>Auth</c> section: key cache, JWT bearer, browser sessions and rate limits (defaults in README).</summary>
public sealed class AccessOptions
{
    public const string Section = "Auth";

    /// <summary>How often each silo reloads the live keys: the bound on how long a revoked key still works (plus a query).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Authentication switched off: every caller is the principal <see cref="AccessServiceExtensions.DisabledPrincipal"/>
    /// with every scope. Off by default; only for measuring what authentication costs (./cx bench) on one machine: it
    /// is refused on start unless the host listens on loopback addresses only (<see cref="AuthDisabledValidation"/>),
    /// and a silo that runs with it logs a warning.
    /// </summary>
    public bool Disabled { get; set; }

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
