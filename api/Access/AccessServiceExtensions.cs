using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using CxActors.Database;
using CxActors.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Access;

/// <summary>
/// ASP.NET Core's own pieces, composed: a policy scheme that picks the handler by the credential's form (an API key,
/// a JWT, or a browser session cookie), one authorization policy per scope (<see cref="Scopes"/>), a fallback policy
/// that makes every other endpoint require a caller, and a rate limiter partitioned by principal and scope.
/// </summary>
public static class AccessServiceExtensions
{
    /// <summary>The default scheme: forwards to the handler the request's credential is meant for.</summary>
    public const string Scheme = "cx";
    public const string ApiKeyScheme = "ApiKey";
    public const string CookieName = "cx_session";
    public const string RateLimited = "RATE_LIMITED";
    /// <summary>The scheme, and the caller's name, when <see cref="AccessOptions.Disabled"/> switches authentication off.</summary>
    public const string DisabledScheme = "AuthDisabled";
    public const string DisabledPrincipal = "auth-disabled";

    public static IHostApplicationBuilder AddCxAccess(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCxDatabase(builder.Configuration);
        services.AddOptions<AccessOptions>()
            .Bind(builder.Configuration.GetSection(AccessOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AccessOptions>, AuthDisabledValidation>();
        var access = builder.Configuration.GetSection(AccessOptions.Section).Get<AccessOptions>() ?? new AccessOptions();

        services.AddSingleton<ApiKeyCache>();
        services.AddHostedService<ApiKeyRefresher>();
        services.AddHealthChecks().AddCheck<ApiKeysLoadedCheck>("api-keys", tags: [ServiceDefaultsExtensions.ReadyTag]);

        var jwt = access.Jwt.Enabled;
        var disabled = access.Disabled;
        var authentication = services.AddAuthentication(o =>
            {
                o.DefaultScheme = Scheme;
                o.DefaultChallengeScheme = Scheme;
                o.DefaultForbidScheme = Scheme;
            })
            .AddPolicyScheme(Scheme, "API key, JWT or browser session", o =>
            {
                o.ForwardDefaultSelector = http => disabled ? DisabledScheme : SelectScheme(http.Request, jwt);
                // One 401/403 shape for every credential.
                o.ForwardChallenge = ApiKeyScheme;
                o.ForwardForbid = ApiKeyScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, displayName: "API key", _ => { })
            .AddScheme<AuthenticationSchemeOptions, AuthDisabledHandler>(DisabledScheme, displayName: "authentication off", _ => { })
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.Cookie.Name = CookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = access.Cookie.Lifetime;
                o.SlidingExpiration = true;
                o.LoginPath = SignInEndpoints.Path;
                o.Events.OnValidatePrincipal = context =>
                {
                    // A session lives only as long as its key: revoked (or deleted) keys end their sessions within a refresh.
                    var cache = context.HttpContext.RequestServices.GetRequiredService<ApiKeyCache>();
                    if (context.Principal?.Identity?.Name is not { } name || cache.FindByName(name) is not { } entry)
                    {
                        context.RejectPrincipal();
                        return Task.CompletedTask;
                    }
                    var principal = AccessPrincipal.Create(entry.Name, entry.Scopes, AccessPrincipal.CookieCredential,
                        CookieAuthenticationDefaults.AuthenticationScheme);
                    // When this cookie ends, for the live connections opened with it (a request renews it; they cannot).
                    if (context.Properties.ExpiresUtc is { } expires)
                        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(Scopes.ValidUntilClaimType,
                            expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
                    context.ReplacePrincipal(principal);
                    return Task.CompletedTask;
                };
            });
        if (jwt)
            authentication.AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, o => JwtSetup.Configure(o, access.Jwt));
        if (!string.IsNullOrWhiteSpace(access.Cookie.KeysPath))
            services.AddDataProtection().SetApplicationName("CxActors").PersistKeysToFileSystem(new DirectoryInfo(access.Cookie.KeysPath));

        var authorization = services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var scope in Scopes.All)
            authorization.AddPolicy(scope, p =>
            {
                p.RequireAuthenticatedUser().RequireClaim(Scopes.ClaimType, scope);
                // A browser session is for reading in GraphiQL; writes and administration need the key (or a token) itself.
                if (scope != Scopes.Read)
                    p.RequireAssertion(c => !c.User.HasClaim(Scopes.CredentialClaimType, AccessPrincipal.CookieCredential));
            });

        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
            o.OnRejected = async (context, _) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : 1;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ApiKeyAuthenticationHandler.WriteProblemAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, RateLimited,
                    $"Too many requests for this credential; retry after {seconds} s.");
            };
        });
        return builder;
    }

    /// <summary>Authentication, authorization and rate limits in the pipeline, and the browser sign-in pages.</summary>
    public static WebApplication UseCxAccess(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AccessOptions>>().Value.Disabled)
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CxActors.Access").LogWarning(
                "AUTHENTICATION IS OFF (Auth:Disabled=true): every caller has every scope, ingest, read, admin and metrics. " +
                "This is for measuring on one machine only; never run a silo that holds real data like this.");
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapSignIn();
        return app;
    }

    /// <summary>
    /// X-Api-Key or "Bearer cxk_…" → API key; another bearer token → JWT (when configured; else the API key handler,
    /// which calls it malformed); no credential header but a session cookie → the cookie; nothing → the API key handler
    /// (no result: anonymous).
    /// </summary>
    private static string SelectScheme(HttpRequest request, bool jwt)
    {
        if (jwt && Credentials.HasOtherBearer(request))
            return JwtBearerDefaults.AuthenticationScheme;
        if (!Credentials.HasAny(request) && request.Cookies.ContainsKey(CookieName))
            return CookieAuthenticationDefaults.AuthenticationScheme;
        return ApiKeyScheme;
    }

    /// <summary>A token bucket per (scope of the endpoint, principal); anonymous endpoints and callers are not limited here.</summary>
    private static RateLimitPartition<string> Partition(HttpContext http)
    {
        var principal = AccessPrincipal.Key(http.User);
        var scope = http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(a => a.Policy).LastOrDefault(p => p is not null && Scopes.IsKnown(p));
        if (principal is null || scope is null)
            return RateLimitPartition.GetNoLimiter("");
        var limit = http.RequestServices.GetRequiredService<IOptions<AccessOptions>>().Value.LimitFor(scope);
        if (limit.PermitsPerSecond == 0)
            return RateLimitPartition.GetNoLimiter("");
        return RateLimitPartition.GetTokenBucketLimiter($"{scope}|{principal}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(limit.Burst, 1),
            TokensPerPeriod = limit.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
