using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace CxActors.Access;

/// <summary>
/// JWT bearer tokens of an OIDC issuer (<c>Auth:Jwt:Authority</c>, keys from its discovery document) or, offline, of
/// keys given in configuration (<c>Auth:Jwt:SigningKeys</c> + <c>Auth:Jwt:Issuer</c>). Audience, issuer, lifetime and
/// signature are all validated. The scope claim (space-separated or an array) becomes <see cref="Scopes.ClaimType"/>.
/// </summary>
internal static class JwtSetup
{
    public static void Configure(JwtBearerOptions o, JwtOptions jwt)
    {
        if (string.IsNullOrWhiteSpace(jwt.Audience))
            throw new InvalidOperationException("Auth:Jwt:Audience is required when Auth:Jwt is configured.");
        o.MapInboundClaims = false;
        o.Audience = jwt.Audience;
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateIssuer = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = jwt.ClockSkew,
            NameClaimType = jwt.NameClaim,
        };
        if (!string.IsNullOrWhiteSpace(jwt.SigningKeys))
        {
            if (string.IsNullOrWhiteSpace(jwt.Issuer))
                throw new InvalidOperationException("Auth:Jwt:Issuer is required with Auth:Jwt:SigningKeys.");
            o.TokenValidationParameters.ValidIssuer = jwt.Issuer;
            o.TokenValidationParameters.IssuerSigningKeys = LoadKeys(jwt.SigningKeys);
        }
        else
        {
            o.Authority = jwt.Authority;
            o.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
            if (!string.IsNullOrWhiteSpace(jwt.Issuer))
                o.TokenValidationParameters.ValidIssuer = jwt.Issuer;
        }
        o.Events = new JwtBearerEvents
        {
            // The challenge of the service is the API key handler's (one 401 shape for every credential).
            OnTokenValidated = context =>
            {
                var principal = context.Principal!;
                var scopes = principal.FindAll(jwt.ScopeClaim)
                    .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    .Where(Scopes.IsKnown)
                    .Distinct(StringComparer.Ordinal);
                var name = principal.FindFirst(jwt.NameClaim)?.Value;
                if (string.IsNullOrEmpty(name))
                {
                    context.Fail($"the token has no '{jwt.NameClaim}' claim");
                    return Task.CompletedTask;
                }
                var mapped = AccessPrincipal.Create(name, scopes, AccessPrincipal.JwtCredential, JwtBearerDefaults.AuthenticationScheme);
                // A request is over before its token expires; a live connection is not, and ends when the token would be refused.
                var validUntil = new DateTimeOffset(DateTime.SpecifyKind(context.SecurityToken.ValidTo, DateTimeKind.Utc)) + jwt.ClockSkew;
                ((ClaimsIdentity)mapped.Identity!).AddClaim(new Claim(Scopes.ValidUntilClaimType,
                    validUntil.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
                context.Principal = mapped;
                return Task.CompletedTask;
            },
        };
    }

    /// <summary>PEM text (one or more public keys, RSA or EC), or the path of a PEM or JWKS file.</summary>
    public static IReadOnlyList<SecurityKey> LoadKeys(string configured)
    {
        var text = configured.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal) || configured.TrimStart().StartsWith('{')
            ? configured
            : File.ReadAllText(configured);
        if (text.TrimStart().StartsWith('{'))
            return new JsonWebKeySet(text).GetSigningKeys().ToList();
        var keys = new List<SecurityKey>();
        const string end = "-----END PUBLIC KEY-----";
        var rest = text;
        while (rest.IndexOf("-----BEGIN", StringComparison.Ordinal) is var start and >= 0)
        {
            var stop = rest.IndexOf(end, start, StringComparison.Ordinal);
            if (stop < 0)
                break;
            var pem = rest[start..(stop + end.Length)];
            rest = rest[(stop + end.Length)..];
            keys.Add(PemKey(pem));
        }
        return keys.Count > 0 ? keys : throw new InvalidOperationException("Auth:Jwt:SigningKeys holds no PEM public key (-----BEGIN PUBLIC KEY-----) nor a JWKS.");
    }

    private static SecurityKey PemKey(string pem)
    {
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return new ECDsaSecurityKey(ec);
        }
    }
}
