using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CxActors.Api.Tests;

/// <summary>
/// The CX dashboard in Debian's Chromium driven by Playwright, against the real silo: an unauthenticated browser is sent
/// to the sign-in page and back, every chart draws, and every table holds exactly the numbers computed here from the
/// records this test ingested (and the same numbers GraphQL answers), with no console error once signed in.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DashboardBrowserTests(ApiFixture api, ITestOutputHelper output)
{
    private const string Zone = "America/Sao_Paulo";
    private static readonly string[] Channels = ["PHONE", "CHAT", "WHATSAPP", "EMAIL"];
    private static readonly string[] Charts = ["contacts-chart", "last24h-chart", "rejections-chart", "top-chart", "rate-chart"];
    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById(Zone);

    [Fact]
    public async Task The_landing_page_and_the_dashboard_load_without_credentials_and_link_only_this_service()
    {
        using var anonymous = api.Silo.CreateClient(authenticated: false);
        foreach (var path in new[] { "/", "/dashboard" })
        {
            using var response = await anonymous.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("http://", html);
            Assert.DoesNotContain("https://", html);
            Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        }
        using (var landing = await anonymous.GetAsync("/"))
        {
            var html = await landing.Content.ReadAsStringAsync();
            foreach (var link in new[] { "href=\"/graphql\"", "href=\"/dashboard\"", "href=\"/health/live\"", "href=\"/health/ready\"", "href=\"/metrics\"", "id=\"api\"" })
                Assert.Contains(link, html);
        }
        foreach (var asset in new[] { "echarts.min.js", "cx-dashboard.js", "cx-pages.css" })
        {
            using var response = await anonymous.GetAsync($"/dashboard/assets/{asset}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100, asset);
        }
        using var missing = await anonymous.GetAsync("/dashboard/assets/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // The data are not anonymous: the page's own query without a session is refused.
        using var data = await anonymous.PostAsync("/graphql", new StringContent("""{"query":"{ rejectionCounts(since: \"2017-01-01T00:00:00Z\", until: \"2017-01-02T00:00:00Z\") { count } }"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, data.StatusCode);
    }

    [Fact]
    public async Task Chromium_shows_the_numbers_of_the_ingested_records_in_every_chart_and_table()
    {
        // --- the records: three local days of Sao Paulo (and hours just outside them), one customer per count ---
        var from = new DateOnly(2017, 3, 10);
        var to = new DateOnly(2017, 3, 12);
        var since = LocalMidnightUtc(from);
        var until = LocalMidnightUtc(to.AddDays(1));
        var random = new Random(20170310);
        var customers = Enumerable.Range(0, 6).Select(_ => Interactions.NewCustomer()).ToList();
        var records = new List<(string Customer, string Channel, DateTime StartedAt)>();
        for (var i = 0; i < customers.Count; i++)
        {
            for (var n = 0; n < 2 + (3 * i) % 7; n++)
            {
                // From 6 h before the period to 6 h after it, on whole minutes; the period's first instant on purpose too.
                var minutes = random.Next(-6 * 60, (int)(until - since).TotalMinutes + 6 * 60);
                var startedAt = n == 0 && i == 0 ? since : since.AddMinutes(minutes);
                records.Add((customers[i], Channels[random.Next(Channels.Length)], startedAt));
            }
        }
        records = records.DistinctBy(r => (r.Customer, r.Channel, r.StartedAt)).ToList();
        await api.IngestAsync(records.Select(r => (object)new { customer = r.Customer, channel = r.Channel, startedAt = Iso(r.StartedAt) }).ToArray());

        // --- the last 24 hours and the live rate: the windows the page can use (this hour's or, should it turn, the next) ---
        var hour = TruncateToHour(DateTime.UtcNow);
        var before24h = new Dictionary<DateTime, Dictionary<string, int>>();
        foreach (var h in new[] { hour, hour.AddHours(1) })
            before24h[h] = PerChannel(await ContactStatsAsync(h.AddHours(-23), h.AddHours(1), "HOUR", "UTC"));
        var recent = Interactions.NewCustomer();
        var now = DateTime.UtcNow;
        var recentRecords = new[] { ("CHAT", now.AddMinutes(-90)), ("CHAT", now.AddMinutes(-80)), ("EMAIL", now.AddMinutes(-70)), ("PHONE", now.AddMinutes(-5)) }
            .Select(r => (Channel: r.Item1, StartedAt: new DateTime(r.Item2.Ticks - r.Item2.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc))).ToList();
        await api.IngestAsync(recentRecords.Select(r => (object)new { customer = recent, channel = r.Channel, startedAt = Iso(r.StartedAt) }).ToArray());

        // --- rejections received today (Sao Paulo), counted before and after this test's bad records ---
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, SaoPaulo));
        var todaySince = LocalMidnightUtc(today);
        var todayUntil = LocalMidnightUtc(today.AddDays(1));
        var rejectionsBefore = Rejections(await QueryDataAsync(RejectionsQuery, new { since = Iso(todaySince), until = Iso(todayUntil) }));
        var bad = new object[]
        {
            new { customer = recent, channel = "FAX", startedAt = "2017-03-10T12:00:00Z" },
            new { customer = recent, channel = "TELEX", startedAt = "2017-03-10T12:00:00Z" },
            new { customer = recent, channel = "CHAT" },
            new { customer = recent, channel = "CHAT", startedAt = "2017-03-10T12:00:00" },
            new { customer = recent, channel = "CHAT", startedAt = "2017-03-10T12:00:00Z", feedbackScore = 11 },
        };
        using (var response = await api.Http.PostAsync("/ingest/interactions", new StringContent(JsonSerializer.Serialize(bad), Encoding.UTF8, "application/json")))
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal(bad.Length, body["rejectedCount"]!.GetValue<int>());
        }
        // The kinds by README's rules: the field the (only) problem names, and what was wrong with it.
        var expectedRejections = new Dictionary<(string, string), int>(rejectionsBefore);
        foreach (var kind in new[] { "channel: unknown channel", "channel: unknown channel", "startedAt: missing", "startedAt: no UTC offset", "feedbackScore: out of range" })
            expectedRejections[("canonical", kind)] = expectedRejections.GetValueOrDefault(("canonical", kind)) + 1;

        // --- expected numbers, from the records and the rules of each field ---
        var days = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(d => LocalMidnightUtc(from.AddDays(d))).ToList();
        var expectedContacts = days.Select((start, d) =>
        {
            var end = d + 1 < days.Count ? days[d + 1] : until;
            var counts = Channels.Select(c => records.Count(r => r.Channel == c && r.StartedAt >= start && r.StartedAt < end)).ToList();
            return new[] { Iso(start) }.Concat(counts.Select(Text)).Append(Text(counts.Sum())).ToArray();
        }).ToList();
        // contactCounts: since < startedAt <= until, most first, then customer id.
        var expectedTop = records.Where(r => r.StartedAt > since && r.StartedAt <= until).GroupBy(r => r.Customer)
            .Select(g => (Customer: g.Key, Contacts: g.Count())).OrderByDescending(c => c.Contacts).ThenBy(c => c.Customer, StringComparer.Ordinal)
            .Take(10).Select(c => new[] { c.Customer, Text(c.Contacts) }).ToList();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            // The network off but for the silo, as in GraphiQLBrowserTests: a page that needed a CDN would not render. No
            // background networking, component updates or sync: on a closed network Chromium's own connections to Google's
            // hosts are refused many at a time, which slows a fresh profile's first page.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();
        // Generous: the test machine is shared and a test run keeps its cores busy (a cold page parses 700 kB of ECharts).
        page.SetDefaultTimeout(120_000);
        page.SetDefaultNavigationTimeout(120_000);
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);
        // What the browser did, for the message of a timeout: a wait that fails says only that it waited.
        var timeline = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Note(string what) => timeline.Enqueue($"{clock.ElapsedMilliseconds,7} ms {what}");
        page.Request += (_, r) => Note($"request {r.Method} {r.Url}");
        page.Response += (_, r) => Note($"response {r.Status} {r.Url}");
        page.RequestFailed += (_, r) => Note($"failed {r.Url}: {r.Failure}");
        page.RequestFinished += (_, r) => Note($"finished {r.Url}");
        page.FrameNavigated += (_, f) => { if (f == page.MainFrame) Note($"navigated {f.Url}"); };
        page.DOMContentLoaded += (_, _) => Note("DOMContentLoaded");
        page.Load += (_, _) => Note("load");
        page.Console += (_, m) => Note($"console {m.Type}: {m.Text}");
        page.PageError += (_, e) => Note($"page error: {e}");
        page.Crash += (_, _) => Note("crash");
        async Task StepAsync(string step, Func<Task> action)
        {
            Note($"step: {step}");
            try
            {
                await action();
            }
            catch (TimeoutException e)
            {
                throw new Xunit.Sdk.XunitException($"{step}: {e.Message.Split('\n')[0]}; the page is at {page.Url}; timeline:\n{string.Join("\n", timeline)}");
            }
        }

        // --- not signed in: the page sends the browser to the sign-in form, which brings it back ---
        var query = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&bucket=DAY&tz={Uri.EscapeDataString(Zone)}";
        // Navigations wait only for their commit, not for the load event: the content is awaited by its selectors below,
        // and a load event held up by the busy machine (or cut short by the page's own redirect) is not what is tested.
        await StepAsync("open the dashboard", () => page.GotoAsync($"{api.Silo.Url}/dashboard?{query}", new() { WaitUntil = WaitUntilState.Commit }));
        try
        {
            await page.WaitForURLAsync(url => url.Contains("/signin", StringComparison.Ordinal), new() { Timeout = 45_000, WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException)
        {
            // In about a third of fresh-clone runs (never in a warm checkout) the first page stayed put; the cause is not
            // known yet. What a user would do, reload once, and keep what the browser did for whoever looks next.
            output.WriteLine($"The unsigned dashboard was still at {page.Url} after 45 s; reloading once. Timeline:\n{string.Join("\n", timeline)}");
            await StepAsync("open the dashboard again", () => page.GotoAsync($"{api.Silo.Url}/dashboard?{query}", new() { WaitUntil = WaitUntilState.Commit }));
            await StepAsync("sent to /signin", () => page.WaitForURLAsync(url => url.Contains("/signin", StringComparison.Ordinal), new() { Timeout = 120_000, WaitUntil = WaitUntilState.Commit }));
        }
        await StepAsync("sign in", async () =>
        {
            await page.FillAsync("#key", api.Silo.ApiKey);
            await page.ClickAsync("form[action='/signin'] button[type=submit]");
        });
        await StepAsync("back on the dashboard", () => page.WaitForURLAsync(url => url.Contains("/dashboard?", StringComparison.Ordinal), new() { Timeout = 120_000, WaitUntil = WaitUntilState.Commit }));
        errors.Clear(); // the refused query before signing in (401) is the expected console error; none from here on
        await StepAsync("the period loaded", () => page.WaitForSelectorAsync($"body[data-loaded='{Iso(since)}/{Iso(until)}']", new() { Timeout = 120_000 }));
        await StepAsync("the rate sampled", () => page.WaitForSelectorAsync("#rate-table[data-since]", new() { Timeout = 120_000 }));

        foreach (var chart in Charts)
            Assert.True(await page.Locator($"#{chart} canvas").CountAsync() > 0, $"{chart} drew nothing");

        // Contacts per local day (every day of the period, empty ones too) and the top customers: from the records.
        Assert.Equal(expectedContacts, await RowsAsync(page, "contacts-table"));
        var graphQLPeriod = await ContactStatsAsync(since, until, "DAY", Zone);
        Assert.Equal(expectedContacts.Select(r => r[1..5].Select(int.Parse).Sum()).Sum(), graphQLPeriod.Sum(b => b.Contacts));
        Assert.Equal(expectedTop, await RowsAsync(page, "top-table"));
        Assert.Equal("None in this period.", Assert.Single(await RowsAsync(page, "rejections-table"))[0]);

        // The last 24 hours: what was there before plus this test's records, per channel and in total.
        var daySince = DateTime.Parse(await page.GetAttributeAsync("#last24h-table", "data-since") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var pageHour = daySince.AddHours(23);
        Assert.True(before24h.ContainsKey(pageHour), $"the page's 24 hours start at {Iso(daySince)}, not at an hour this test measured");
        var expected24h = Channels.Select(c => new[] { c, Text(before24h[pageHour][c] + recentRecords.Count(r => r.Channel == c)) }).ToList();
        expected24h.Add(["Total", Text(expected24h.Sum(r => int.Parse(r[1], CultureInfo.InvariantCulture)))]);
        Assert.Equal(expected24h, await RowsAsync(page, "last24h-table"));
        Assert.Equal(expected24h[^1][1], await page.TextContentAsync("#last24h-total"));
        Assert.Equal(PerChannel(await ContactStatsAsync(daySince, daySince.AddHours(24), "HOUR", "UTC")), expected24h.SkipLast(1).ToDictionary(r => r[0], r => int.Parse(r[1], CultureInfo.InvariantCulture)));

        // The live rate's newest sample: the contacts GraphQL holds for the window the page sampled.
        var rateSince = DateTime.Parse(await page.GetAttributeAsync("#rate-table", "data-since") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var rateUntil = DateTime.Parse(await page.GetAttributeAsync("#rate-table", "data-until") ?? "", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.Equal(TimeSpan.FromHours(2), rateUntil - rateSince);
        var newest = (await RowsAsync(page, "rate-table"))[0];
        Assert.Equal(Text((await ContactStatsAsync(rateSince, rateUntil, "HOUR", "UTC")).Sum(b => b.Contacts)), newest[1]);
        Assert.True(recentRecords.Count(r => r.StartedAt >= rateSince) <= int.Parse(newest[1], CultureInfo.InvariantCulture));

        if (Environment.GetEnvironmentVariable("CX_DASHBOARD_SCREENSHOT") is { Length: > 0 } screenshot)
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        Assert.Empty(errors);

        // --- today, hourly, through the form: the rejections received today, before and after this test's ---
        await page.FillAsync("#from", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.FillAsync("#to", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.SelectOptionAsync("#bucket", "HOUR");
        await page.ClickAsync("#controls button[type=submit]");
        await page.WaitForSelectorAsync($"body[data-loaded='{Iso(todaySince)}/{Iso(todayUntil)}']", new() { Timeout = 120_000 });
        var rejectionRows = await RowsAsync(page, "rejections-table");
        var graphQLRejections = (await QueryDataAsync(RejectionsQuery, new { since = Iso(todaySince), until = Iso(todayUntil) }))["rejectionCounts"]!.AsArray()
            .Select(r => new[] { r!["endpoint"]!.GetValue<string>(), r["reason"]!.GetValue<string>(), Text(r["count"]!.GetValue<int>()) }).ToList();
        Assert.Equal(graphQLRejections, rejectionRows);
        Assert.Equal(expectedRejections.OrderBy(k => k.Key).ToList(),
            rejectionRows.ToDictionary(r => (r[0], r[1]), r => int.Parse(r[2], CultureInfo.InvariantCulture)).OrderBy(k => k.Key).ToList());
        // Hourly buckets of today: each row equals GraphQL's answer for its hour (hours without contacts show zeros).
        var hourly = (await ContactStatsAsync(todaySince, todayUntil, "HOUR", Zone)).GroupBy(b => b.Start).ToDictionary(g => g.Key, g => g.ToList());
        var hourlyRows = await RowsAsync(page, "contacts-table");
        Assert.Equal((int)(todayUntil - todaySince).TotalHours, hourlyRows.Count);
        foreach (var row in hourlyRows)
        {
            var start = DateTime.Parse(row[0], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            var buckets = hourly.GetValueOrDefault(start) ?? [];
            Assert.Equal(Channels.Select(c => Text(buckets.Where(b => b.Channel == c).Sum(b => b.Contacts))).Append(Text(buckets.Sum(b => b.Contacts))), row[1..]);
        }
        foreach (var chart in Charts)
            Assert.True(await page.Locator($"#{chart} canvas").CountAsync() > 0, $"{chart} drew nothing");
        Assert.Empty(errors);
    }

    private const string RejectionsQuery = "query($since: DateTime!, $until: DateTime!) { rejectionCounts(since: $since, until: $until) { endpoint reason count } }";

    private sealed record Bucket(DateTime Start, string Channel, int Contacts);

    private async Task<List<Bucket>> ContactStatsAsync(DateTime since, DateTime until, string bucket, string timeZone)
    {
        var data = await QueryDataAsync(
            "query($since: DateTime!, $until: DateTime!, $bucket: Bucket!, $timeZone: String!) { contactStats(since: $since, until: $until, bucket: $bucket, timeZone: $timeZone) { start channel contacts } }",
            new { since = Iso(since), until = Iso(until), bucket, timeZone });
        return data["contactStats"]!.AsArray().Select(b => new Bucket(
            DateTime.Parse(b!["start"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal),
            b["channel"]!.GetValue<string>(), b["contacts"]!.GetValue<int>())).ToList();
    }

    private async Task<JsonNode> QueryDataAsync(string query, object variables)
    {
        var response = await api.QueryAsync(query, variables);
        Assert.True(response.Json["errors"] is null, response.Body);
        return response.Json["data"]!;
    }

    private static Dictionary<string, int> PerChannel(List<Bucket> buckets) =>
        Channels.ToDictionary(c => c, c => buckets.Where(b => b.Channel == c).Sum(b => b.Contacts));

    private static Dictionary<(string, string), int> Rejections(JsonNode data) =>
        data["rejectionCounts"]!.AsArray().ToDictionary(r => (r!["endpoint"]!.GetValue<string>(), r["reason"]!.GetValue<string>()), r => r!["count"]!.GetValue<int>());

    /// <summary>A table's body and foot rows as text; a cell holding a time gives its datetime (UTC ISO).</summary>
    private static async Task<List<string[]>> RowsAsync(IPage page, string table) =>
        (await page.EvalOnSelectorAllAsync<string[][]>($"#{table} tbody tr, #{table} tfoot tr",
            "rows => rows.map(r => Array.from(r.cells).map(c => { const t = c.querySelector('time'); return t ? t.getAttribute('datetime') : c.textContent.trim(); }))"))
        .ToList();

    private static DateTime LocalMidnightUtc(DateOnly day) =>
        TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), SaoPaulo);

    private static DateTime TruncateToHour(DateTime utc) => new(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string ChromiumPath() =>
        new[] { "chromium", "chromium-browser" }
            .Select(name => Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null)
        ?? throw new InvalidOperationException("Chromium is not installed: ./cx test installs it (apt-get install chromium).");
}
