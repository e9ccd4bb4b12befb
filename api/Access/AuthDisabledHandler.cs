using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Access;

/// <summary>
/// <c>Auth:Disabled</c>: every request is <see cref="AccessServiceExtensions.DisabledPrincipal"/> with every scope,
/// whatever it sends. The rest of the pipeline (authorization policies, rate limits) runs as with keys, so that the
/// bench's auth ratios measure the credential check itself.
/// </summary>
public sealed class AuthDisabledHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var principal = AccessPrincipal.Create(AccessServiceExtensions.DisabledPrincipal, Scopes.All, AccessPrincipal.NoCredential, Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
    }
}
