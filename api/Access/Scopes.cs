namespace CxActors.Access;

/// <summary>
/// The scopes a credential can carry, each also the name of the authorization policy that requires it:
/// <c>app.MapIngestApi().RequireAuthorization(Scopes.Ingest)</c>. A principal's scopes are claims of type
/// <see cref="ClaimType"/>, whichever scheme authenticated it.
/// </summary>
public static class Scopes
{
    public const string Ingest = "ingest";
    public const string Read = "read";
    public const string Admin = "admin";
    public const string Metrics = "metrics";

    /// <summary>The claim type of a scope on every principal (API key, JWT after mapping, cookie session).</summary>
    public const string ClaimType = "cx_scope";

    /// <summary>The claim type saying which kind of credential authenticated the principal.</summary>
    public const string CredentialClaimType = "cx_credential";

    /// <summary>
    /// The claim type of the instant (Unix seconds) after which the credential is no longer accepted: a JWT's expiry plus
    /// the allowed clock skew. Long-lived connections (the live feed) end then; API keys carry none (they are revoked).
    /// </summary>
    public const string ValidUntilClaimType = "cx_valid_until";

    public static readonly IReadOnlyList<string> All = [Ingest, Read, Admin, Metrics];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>
    /// Parses "ingest,read" (commas or spaces). Null with an error message when a scope is unknown or none is given.
    /// </summary>
    public static IReadOnlyList<string>? Parse(string? text, out string? error)
    {
        var scopes = (text ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => s.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        var unknown = scopes.Where(s => !IsKnown(s)).ToList();
        error = unknown.Count > 0 ? $"unknown scope '{string.Join("', '", unknown)}': use {string.Join(", ", All)}"
            : scopes.Count == 0 ? $"no scope given: use one or more of {string.Join(", ", All)}"
            : null;
        return error is null ? All.Where(scopes.Contains).ToList() : null;
    }
}
