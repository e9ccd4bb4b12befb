using System.Globalization;
using System.Security.Claims;
using CxActors.Access;
using CxActors.Api.Schema;

namespace CxActors.Api.Live;

/// <summary>
/// A live connection outlives the check of the credential that opened it; this ends it when the credential ends: a JWT
/// at its expiry (plus the allowed clock skew, when a request with it would be refused), a browser session at the expiry
/// its cookie had when the connection opened (the browser's other requests may renew the session; the connection is
/// then reopened with the renewed cookie), an API key (or a browser session opened with one) at the first
/// <see cref="LiveOptions.CredentialRecheck"/> after the silo learned of its revocation.
/// </summary>
public static class LiveCredentialWatch
{
    /// <summary>How a connection is ended: its WebSocket close reason (code 4401), its SSE error, its metric label.</summary>
    public sealed record Ending(string CloseReason, string Code, string Message, string MetricReason);

    public static readonly Ending TokenExpired = new("Unauthorized: token expired", ErrorCodes.LiveCredentialExpired,
        "The token that opened this stream expired; open a new one with a fresh token.", "token_expired");

    public static readonly Ending SessionExpired = new("Unauthorized: session expired", ErrorCodes.LiveCredentialExpired,
        "The browser session that opened this stream expired; sign in again.", "session_expired");

    public static readonly Ending KeyRevoked = new("Unauthorized: API key revoked", ErrorCodes.LiveCredentialRevoked,
        "The API key that opened this stream was revoked.", "key_revoked");

    /// <summary>
    /// Waits until <paramref name="user"/>'s credential ends, then calls <paramref name="end"/> once; returns at once for a
    /// credential that does not end (authentication switched off), and quietly when <paramref name="cancellationToken"/> is.
    /// </summary>
    public static async Task WatchAsync(ClaimsPrincipal user, ApiKeyCache keys, TimeSpan recheck, TimeProvider time, Action<Ending> end,
        CancellationToken cancellationToken)
    {
        var validUntil = ValidUntil(user);
        var bySession = user.HasClaim(Scopes.CredentialClaimType, AccessPrincipal.CookieCredential);
        var byKey = bySession || user.HasClaim(Scopes.CredentialClaimType, AccessPrincipal.ApiKeyCredential);
        if (validUntil is null && !byKey)
            return;
        var name = user.Identity?.Name;
        try
        {
            while (true)
            {
                var wait = recheck;
                if (validUntil is { } until)
                {
                    var left = until - time.GetUtcNow();
                    if (left <= TimeSpan.Zero)
                    {
                        end(bySession ? SessionExpired : TokenExpired);
                        return;
                    }
                    if (left < wait)
                        wait = left;
                }
                await Task.Delay(wait, time, cancellationToken);
                // Key names are unique (revoked ones included), so the name finds the very key that opened the connection.
                if (byKey && (name is null || keys.FindByName(name) is null))
                {
                    end(KeyRevoked);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The connection ended first.
        }
    }

    private static DateTimeOffset? ValidUntil(ClaimsPrincipal user) =>
        user.FindFirst(Scopes.ValidUntilClaimType)?.Value is { } text
        && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
