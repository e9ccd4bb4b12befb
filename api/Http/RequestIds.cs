using Microsoft.AspNetCore.Http;

namespace CxActors.Api.Http;

/// <summary>
/// The id that ties a response to its log lines: the client's <c>X-Request-Id</c> when it is a sane short token
/// (1 to 64 of <c>A-Z a-z 0-9 . _ : -</c>), else ASP.NET Core's <see cref="HttpContext.TraceIdentifier"/>. It is sent
/// back in the same header on every GraphQL response and, for masked errors, in <c>extensions.requestId</c>.
/// </summary>
public static class RequestIds
{
    public const string Header = "X-Request-Id";
    private const string Key = "CxActors.RequestId";
    private const int MaxLength = 64;

    /// <summary>Chooses the request's id, remembers it on the context and sets the response header.</summary>
    public static string Assign(HttpContext http)
    {
        var incoming = http.Request.Headers[Header];
        var id = incoming.Count == 1 && IsSane(incoming[0]) ? incoming[0]! : http.TraceIdentifier;
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

    private static bool IsSane(string? id)
    {
        if (id is not { Length: > 0 and <= MaxLength })
            return false;
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or ':' or '-'))
                return false;
        }
        return true;
    }
}
