using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CxActors.Access;

/// <summary>
/// Browsers (GraphiQL): <c>GET /signin</c> is a small self-contained form; <c>POST /signin</c> with a pasted key opens
/// a cookie session carrying the key's name and scopes (HttpOnly, SameSite=Strict, Secure over HTTPS) and sends the
/// browser back to <c>returnUrl</c> (a local path; /graphql otherwise); <c>POST /signout</c> ends it. A session is
/// accepted for GraphQL reads only, and ends as soon as its key is revoked.
/// </summary>
public static class SignInEndpoints
{
    public const string Path = "/signin";

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext http) => Page(http, StatusCodes.Status200OK, http.Request.Query["returnUrl"], message: null)).AllowAnonymous();
        app.MapPost(Path, async (HttpContext http, ApiKeyCache cache) =>
        {
            if (!http.Request.HasFormContentType)
                return Page(http, StatusCodes.Status415UnsupportedMediaType, null, "Send the form.");
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var returnUrl = LocalOrDefault(form["returnUrl"]);
            var key = form["key"].ToString().Trim();
            if (cache.Find(key) is not { } entry)
                return Page(http, StatusCodes.Status401Unauthorized, returnUrl, "That key is not valid (unknown, revoked or mistyped).");
            var principal = AccessPrincipal.Create(entry.Name, entry.Scopes, AccessPrincipal.CookieCredential, CookieAuthenticationDefaults.AuthenticationScheme);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, new AuthenticationProperties { IsPersistent = false });
            cache.RecordUse(entry.Name);
            return SeeOther(returnUrl);
        }).AllowAnonymous();
        app.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return SeeOther(Path);
        }).AllowAnonymous();
        return app;
    }

    /// <summary>303: the browser follows with a GET (a reload does not re-post the key).</summary>
    private static IResult SeeOther(string location) => new SeeOtherResult(location);

    private sealed class SeeOtherResult(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }

    /// <summary>A path of this site ("/graphql?x"), never another origin ("//evil", "/\evil", "https://…").</summary>
    private static string LocalOrDefault(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Contains("\r", StringComparison.Ordinal) && !url.Contains("\n", StringComparison.Ordinal)
            ? url
            : "/graphql";

    private static IResult Page(HttpContext http, int status, string? returnUrl, string? message)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        http.Response.Headers["X-Frame-Options"] = "DENY";
        var signedIn = http.User.Identity is { IsAuthenticated: true, Name: { } name } ? name : null;
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>CxActors sign-in</title>
            <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}input[type=password]{width:100%;padding:.5rem;font-family:monospace}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#b00020}</style></head>
            <body>
            <h1>CxActors</h1>
            {{(message is null ? "" : $"<p class=\"error\" role=\"alert\">{WebUtility.HtmlEncode(message)}</p>")}}
            {{(signedIn is null ? "" : $"<p>Signed in as <b>{WebUtility.HtmlEncode(signedIn)}</b>. <a href=\"/graphql\">Open GraphiQL</a></p><form method=\"post\" action=\"/signout\"><button type=\"submit\">Sign out</button></form>")}}
            <form method="post" action="{{Path}}">
            <label for="key">API key (cxk_…)</label>
            <input id="key" name="key" type="password" autocomplete="off" required autofocus>
            <input type="hidden" name="returnUrl" value="{{WebUtility.HtmlEncode(LocalOrDefault(returnUrl))}}">
            <button type="submit">Sign in</button>
            </form>
            <p>The key is checked by this service and kept only as a session cookie of this browser; GraphiQL then runs your queries with it.</p>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
