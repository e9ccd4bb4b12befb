using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace CxActors.Api.Tests;

/// <summary>GET /graphql in a real browser (headless Chromium from Debian): the bundled GraphiQL loads and runs a query.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class GraphiQLBrowserTests(ApiFixture api)
{
    [Fact]
    public async Task The_page_and_its_assets_are_served_by_the_service_itself()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml");
        using var page = await api.Http.SendAsync(request);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        foreach (var asset in new[] { "graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js", "graphql-ws.min.js", "cx-graphiql.js" })
        {
            Assert.Contains($"/graphql/assets/{asset}", html);
            using var response = await api.Http.GetAsync($"/graphql/assets/{asset}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100, asset);
        }
        using var missing = await api.Http.GetAsync("/graphql/assets/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Headless_Chromium_runs_a_query_in_the_bundled_GraphiQL()
    {
        var customer = Interactions.NewCustomer();
        await api.IngestAsync(
            new { customer, channel = "CHAT", startedAt = "2018-08-08T08:00:00Z" },
            new { customer, channel = "CHAT", startedAt = "2018-08-08T09:00:00Z" },
            new { customer, channel = "EMAIL", startedAt = "2018-08-08T10:00:00Z" });
        var query = $$"""{ customer(id: "{{customer}}") { contactsLast24h(asOf: "2018-08-08T12:00:00Z") lastInteraction { channel } } }""";
        var page = $"/graphql?run=1&query={Uri.EscapeDataString(query)}";

        // Signed in as a person would be: the sign-in form posted with the key, then GraphiQL with the session cookie.
        var signIn = await SignInPageAsync(api.Http.BaseAddress!, api.Silo.ApiKey, page);
        string dom;
        try
        {
            dom = await DumpDomAsync(signIn);
        }
        finally
        {
            File.Delete(new Uri(signIn).LocalPath);
        }

        Assert.Contains("graphiql-container", dom);
        var text = WebUtility.HtmlDecode(Tags().Replace(dom, ""));
        Assert.Contains("\"contactsLast24h\": 3", text);
        Assert.Contains("\"channel\": \"EMAIL\"", text);
    }

    /// <summary>A local page that posts the sign-in form at once (Chromium takes no cookie on its command line).</summary>
    internal static async Task<string> SignInPageAsync(Uri service, string key, string returnUrl)
    {
        var file = Path.Combine(Path.GetTempPath(), $"cx-signin-{Guid.NewGuid():N}.html");
        await File.WriteAllTextAsync(file, $$"""
            <!doctype html><html><body>
            <form id="f" method="post" action="{{service}}signin">
            <input name="key" value="{{WebUtility.HtmlEncode(key)}}"><input name="returnUrl" value="{{WebUtility.HtmlEncode(returnUrl)}}">
            </form><script>document.getElementById('f').submit();</script>
            </body></html>
            """);
        return new Uri(file).AbsoluteUri;
    }

    private static async Task<string> DumpDomAsync(string url)
    {
        var browser = new[] { "chromium", "chromium-browser" }
            .Select(name => Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null)
            ?? throw new InvalidOperationException("Chromium is not installed: ./cx test installs it (apt-get install chromium).");
        var profile = Directory.CreateTempSubdirectory("cx-chromium-");
        try
        {
            var start = new ProcessStartInfo(browser,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", $"--user-data-dir={profile.FullName}",
                // The network off but for the silo: every other host name resolves to nothing, so a page that needed a
                // CDN would not render.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
                "--virtual-time-budget=20000", "--dump-dom", url,
            ])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish: {await stderr}");
            }
            var dom = await stdout;
            Assert.True(dom.Length > 0, $"Chromium printed no DOM (exit {process.ExitCode}): {await stderr}");
            return dom;
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // a profile left in /tmp is harmless
            }
        }
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
