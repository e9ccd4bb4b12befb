using Microsoft.AspNetCore.Http;

namespace CxActors.Api.Http;

/// <summary>
/// The id that ties a response to its log lines: <see cref="HttpContext.TraceIdentifier"/>, which the host's request-id
/// middleware (ServiceDefaults) sets from the client's <c>X-Request-Id</c> when that is a sane short token. It is sent
/// back in the same header on every GraphQL response and, for masked errors, in <c>extensions.requestId</c>.
/// </summary>
public static class RequestIds
{
    public const string Header = "X-Request-Id";
    private const string Key = "CxActors.RequestId";

    /// <summary>Chooses the request's id, remembers it on the context and sets the response header.</summary>
    public static string Assign(HttpContext http)
    {
        var id = http.TraceIdentifier;
        http.Items[Key] = id;
        http.Response.Headers[Header] = id;
        return id;
    }

    /// <summary>The id <see cref="Assign"/> chose for this request.</summary>
    public static string Of(HttpContext http) => http.Items[Key] as string ?? http.TraceIdentifier;

    /// <summary>The id an execution was started with (<see cref="ExecutionOptions.UserContext"/>), if any.</summary>
    public static string? Of(IDictionary<string, object?> userContext) =>
        userContext.TryGetValue(Key, out var id) ? id as string : null;

    /// <summary>A user context carrying the request id to the executer's error handler.</summary>
    public static Dictionary<string, object?> UserContext(string requestId) => new() { [Key] = requestId };
}
