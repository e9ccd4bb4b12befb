using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CxActors.Access;

/// <summary>
/// API keys: <c>Authorization: Bearer cxk_…</c> or <c>X-Api-Key: cxk_…</c>, checked against <see cref="ApiKeyCache"/>.
/// Also answers every challenge and forbid of the service (the policy scheme forwards them here), so that 401 and 403
/// look the same whatever the credential: <c>WWW-Authenticate: Bearer</c> and a problem body with a stable code. A
/// presented key is never echoed, nor logged.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string Forbidden = "FORBIDDEN";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (present, key) = Credentials.ApiKey(Request);
        if (!present)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (key is null || !ApiKeys.IsWellFormed(key))
            return Task.FromResult(AuthenticateResult.Fail("malformed credential"));
        var entry = cache.Find(key);
        if (entry is null)
            return Task.FromResult(AuthenticateResult.Fail("unknown or revoked API key"));
        cache.RecordUse(entry.Name);
        var principal = AccessPrincipal.Create(entry.Name, entry.Scopes, AccessPrincipal.ApiKeyCredential, Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        return WriteProblemAsync(Context, StatusCodes.Status401Unauthorized, Unauthenticated,
            "Send a valid credential: Authorization: Bearer cxk_… (or X-Api-Key), or a bearer token of the configured issuer.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(Context, StatusCodes.Status403Forbidden, Forbidden, "The credential is valid but lacks the scope this endpoint needs.");

    internal static async Task WriteProblemAsync(HttpContext http, int status, string code, string detail)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.CacheControl = "no-store";
        var problem = new ProblemDetails { Status = status, Title = ReasonPhrases(status), Detail = detail };
        problem.Extensions["code"] = code;
        var service = http.RequestServices.GetService<IProblemDetailsService>();
        if (service is null || !await service.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }))
            await http.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}

/// <summary>Where a request's credential is, and which handler reads it.</summary>
public static class Credentials
{
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>
    /// (true, key) for <c>X-Api-Key</c> or <c>Authorization: Bearer cxk_…</c>; (true, null) for any other Authorization
    /// when it is not meant for the JWT handler (malformed here); (false, null) without a credential.
    /// </summary>
    public static (bool Present, string? Key) ApiKey(HttpRequest request)
    {
        if (request.Headers[ApiKeyHeader] is { Count: > 0 } apiKey)
            return (true, apiKey.Count == 1 ? apiKey[0]?.Trim() : null);
        if (request.Headers.Authorization is { Count: > 0 } authorization)
            return (true, authorization.Count == 1 && BearerToken(authorization[0]) is { } token && token.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal) ? token : null);
        return (false, null);
    }

    /// <summary>True when the request carries a bearer token that is not an API key (a JWT, if anything).</summary>
    public static bool HasOtherBearer(HttpRequest request) =>
        !request.Headers.ContainsKey(ApiKeyHeader)
        && request.Headers.Authorization is { Count: 1 } authorization
        && BearerToken(authorization[0]) is { } token
        && !token.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal);

    public static bool HasAny(HttpRequest request) =>
        request.Headers.ContainsKey(ApiKeyHeader) || request.Headers.ContainsKey(HeaderNames.Authorization);

    private static string? BearerToken(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7
            ? header[7..].Trim()
            : null;
}

/// <summary>The one shape of an authenticated caller: a name, its scopes, and how it authenticated.</summary>
public static class AccessPrincipal
{
    public const string ApiKeyCredential = "api-key";
    public const string JwtCredential = "jwt";
    public const string CookieCredential = "cookie";
    /// <summary>Authentication switched off (<see cref="AccessOptions.Disabled"/>).</summary>
    public const string NoCredential = "none";

    public static ClaimsPrincipal Create(string name, IEnumerable<string> scopes, string credential, string authenticationType)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(Scopes.CredentialClaimType, credential) };
        claims.AddRange(scopes.Where(Scopes.IsKnown).Distinct().Select(s => new Claim(Scopes.ClaimType, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>
    /// "key:name" (an API key, or a browser session opened with it: one budget) or "jwt:subject": the rate limiter's
    /// partition, per principal.
    /// </summary>
    public static string? Key(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { } name }
            ? (user.HasClaim(Scopes.CredentialClaimType, JwtCredential) ? "jwt:" : "key:") + name
            : null;
}
