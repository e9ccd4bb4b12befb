using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CxActors.Dashboard;

/// <summary>
/// <c>GET /</c>: the landing page (links only). <c>GET /dashboard</c>: the CX dashboard; <c>GET /dashboard/assets/{file}</c>:
/// its script, style and chart library. All anonymous: they carry no data. The dashboard's script reads everything
/// from <c>POST /graphql</c> with the browser's session cookie (read scope), and sends an unauthenticated browser to
/// <c>/signin</c>.
/// </summary>
public static class PageEndpoints
{
    public const string DashboardPath = "/dashboard";

    // Only this origin's scripts; ECharts sets inline styles on its own elements, hence style-src 'unsafe-inline'.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IEndpointRouteBuilder MapCxPages(this IEndpointRouteBuilder app)
    {
        app.ServiceProvider.GetRequiredService<PageAssets>(); // read the embedded files at start, not on the first request
        app.MapGet("/", (HttpContext http, PageAssets assets) => Serve(http, assets, "index.html")).AllowAnonymous();
        app.MapGet(DashboardPath, (HttpContext http, PageAssets assets) => Serve(http, assets, "dashboard.html")).AllowAnonymous();
        app.MapGet(DashboardPath + "/assets/{file}", (HttpContext http, PageAssets assets, string file) =>
            file.EndsWith(".html", StringComparison.Ordinal) ? Results.NotFound() : Serve(http, assets, file)).AllowAnonymous();
        return app;
    }

    public static IServiceCollection AddCxPages(this IServiceCollection services) => services.AddSingleton<PageAssets>();

    private static IResult Serve(HttpContext http, PageAssets assets, string file)
    {
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        if (file.EndsWith(".html", StringComparison.Ordinal))
        {
            http.Response.Headers["Content-Security-Policy"] = ContentSecurityPolicy;
            http.Response.Headers["X-Frame-Options"] = "DENY";
        }
        return assets.Serve(http, file);
    }
}
