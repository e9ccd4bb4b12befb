using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CxActors.Api.Live;

/// <summary>
/// The policies the host attached to the GraphQL group, evaluated for a live connection (the upgrade and the SSE GET are
/// anonymous routes for GraphiQL's sake). Credentials come from the request (Authorization, X-Api-Key, the session
/// cookie) or, for WebSockets, from the <c>connection_init</c> payload's <c>Authorization</c>/<c>X-Api-Key</c>, which
/// are evaluated as if they were the request's headers, in a scope of their own.
/// </summary>
public static class LiveAuthorization
{
    public enum Outcome
    {
        Allowed,
        Unauthenticated,
        Forbidden,
    }

    public static async Task<(Outcome Outcome, ClaimsPrincipal User)> AuthorizeAsync(HttpContext http, IReadOnlyDictionary<string, string>? credentials)
    {
        var authorizeData = http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>() ?? [];
        if (authorizeData.Count == 0)
            return (Outcome.Allowed, http.User);
        var policy = await AuthorizationPolicy.CombineAsync(http.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>(), authorizeData);
        if (policy is null)
            return (Outcome.Allowed, http.User);
        if (credentials is not { Count: > 0 })
            return await EvaluateAsync(http, policy);
        // Authentication handlers cache their result per request scope: the payload's credentials get a fresh one.
        await using var scope = http.RequestServices.CreateAsyncScope();
        var probe = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        probe.Connection.RemoteIpAddress = http.Connection.RemoteIpAddress;
        probe.Request.Scheme = http.Request.Scheme;
        probe.Request.Host = http.Request.Host;
        probe.Request.Path = http.Request.Path;
        foreach (var (name, value) in credentials)
            probe.Request.Headers[name] = value;
        // The evaluator takes the authentication middleware's result, which this context never went through.
        var authenticated = await probe.AuthenticateAsync();
        if (authenticated.Succeeded)
            probe.User = authenticated.Principal;
        return await EvaluateAsync(probe, policy);
    }

    private static async Task<(Outcome, ClaimsPrincipal)> EvaluateAsync(HttpContext http, AuthorizationPolicy policy)
    {
        var evaluator = http.RequestServices.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, http);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, http, http);
        if (authorization.Succeeded)
            return (Outcome.Allowed, http.User);
        return (authorization.Forbidden ? Outcome.Forbidden : Outcome.Unauthenticated, http.User);
    }
}
