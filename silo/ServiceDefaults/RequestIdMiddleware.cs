using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace CxActors.ServiceDefaults;

/// <summary>
/// Every answer carries <c>X-Request-Id</c>: the caller's own, when it sent a short plain token, else the server's
/// trace identifier. Errors quote the same id and the logs carry it, so a client's report finds the log line.
/// </summary>
public sealed partial class RequestIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Request-Id";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Headers[Header] is [{ } given] && SaneId().IsMatch(given))
            context.TraceIdentifier = given;
        context.Response.Headers[Header] = context.TraceIdentifier;
        return next(context);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex SaneId();
}
