using System.Security.Claims;
using CxActors.Api.Http;
using CxActors.Api.Schema;
using GraphQL.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CxActors.Api.Live;

/// <summary>Runs a document for a live transport (WebSocket or SSE): GraphQL.NET's executer, subscriptions included.</summary>
public static class LiveExecution
{
    /// <summary>Runs <paramref name="request"/> for <paramref name="session"/>, which the user context carries with the request id.</summary>
    public static Task<ExecutionResult> ExecuteAsync(HttpContext http, GraphQLRequest request, ClaimsPrincipal user,
        LiveSession session, CancellationToken cancellationToken)
    {
        var userContext = RequestIds.UserContext(RequestIds.Of(http));
        userContext[LiveSession.Key] = session;
        return http.RequestServices.GetRequiredService<IDocumentExecuter<CxSchema>>().ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            Variables = request.Variables,
            Extensions = request.Extensions,
            OperationName = request.OperationName,
            RequestServices = http.RequestServices,
            User = user,
            UserContext = userContext,
            // No execution timeout: a subscription lives as long as its connection; the token ends it.
            CancellationToken = cancellationToken,
        });
    }
}
