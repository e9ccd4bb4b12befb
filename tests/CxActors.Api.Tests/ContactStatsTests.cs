using System.Globalization;
using System.Text.Json.Nodes;

namespace CxActors.Api.Tests;

/// <summary>
/// contactStats against a computation in the test from the raw interaction rows, across America/Sao_Paulo's
/// daylight-saving start (2018-11-04: the day has 23 hours) and end (2019-02-17: the 16th has 25 hours).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContactStatsTests(ApiFixture api)
{
    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
    private static readonly string[] ChannelOrder = ["PHONE", "CHAT", "WHATSAPP", "EMAIL"];

    // Local midnights of 2018-10-28 and 2019-03-03 (UTC-3 on both).
    private const string Since = "2018-10-28T03:00:00Z";
    private const string Until = "2019-03-03T03:00:00Z";

    [Fact]
    public async Task Day_and_hour_buckets_in_Sao_Paulo_across_both_daylight_saving_changes_equal_the_raw_rows()
    {
        await IngestAroundTheChangesAsync();

        // DAY buckets, every channel.
        var days = await StatsAsync($$"""{ contactStats(since: "{{Since}}", until: "{{Until}}", bucket: DAY, timeZone: "America/Sao_Paulo") { start channel contacts } }""");
        var raw = await RawAsync(Since, Until);
        Assert.Equal(Reference(raw, r => LocalDayStart(r.StartedAt)), days);

        // The days the clocks changed, by their rules: 2018-11-04 begins at 01:00 local (03:00Z) and ends at midnight
        // -02:00 (02:00Z next day): 23 hours; 2019-02-16 begins at midnight -02:00 (02:00Z) and ends at midnight
        // -03:00 (2019-02-17T03:00Z): 25 hours.
        var starts = days.Select(d => d.Start).Distinct().ToList();
        Assert.Contains("2018-11-04T03:00:00.000Z", starts);
        Assert.Contains("2018-11-05T02:00:00.000Z", starts);
        Assert.Contains("2019-02-16T02:00:00.000Z", starts);
        Assert.Contains("2019-02-17T03:00:00.000Z", starts);
        Assert.Equal(raw.Count(r => r.StartedAt >= At("2018-11-04T03:00:00Z") && r.StartedAt < At("2018-11-05T02:00:00Z")),
            days.Where(d => d.Start == "2018-11-04T03:00:00.000Z").Sum(d => d.Contacts));
        Assert.Equal(raw.Count(r => r.StartedAt >= At("2019-02-16T02:00:00Z") && r.StartedAt < At("2019-02-17T03:00:00Z")),
            days.Where(d => d.Start == "2019-02-16T02:00:00.000Z").Sum(d => d.Contacts));

        // HOUR buckets of one channel around the first change; since and until given as local times with offsets.
        var hours = await StatsAsync("""
            { contactStats(since: "2018-11-03T17:00:00-03:00", until: "2018-11-05T04:00:00-02:00", bucket: HOUR,
                           timeZone: "America/Sao_Paulo", channel: CHAT) { start channel contacts } }
            """);
        var hourRaw = (await RawAsync("2018-11-03T20:00:00Z", "2018-11-05T06:00:00Z")).Where(r => r.Channel == "CHAT").ToList();
        Assert.Equal(Reference(hourRaw, r => new DateTime(r.StartedAt.Ticks - r.StartedAt.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc)), hours);
        Assert.NotEmpty(hours);

        // The default bucket (DAY) and time zone (UTC), one channel.
        var utcDays = await StatsAsync($$"""{ contactStats(since: "{{Since}}", until: "{{Until}}", channel: EMAIL) { start channel contacts } }""");
        Assert.Equal(Reference(raw.Where(r => r.Channel == "EMAIL").ToList(), r => r.StartedAt.Date), utcDays);
    }

    [Theory]
    [InlineData("since: \"2019-01-01T00:30:00Z\", until: \"2019-01-02T00:00:00Z\"", "INVALID_ARGUMENT")]
    [InlineData("since: \"2019-01-01T00:00:00Z\", until: \"2019-01-01T23:59:59.999Z\"", "INVALID_ARGUMENT")]
    [InlineData("since: \"2019-01-02T00:00:00Z\", until: \"2019-01-02T00:00:00Z\"", "INVALID_ARGUMENT")]
    [InlineData("since: \"2019-01-03T00:00:00Z\", until: \"2019-01-02T00:00:00Z\"", "INVALID_ARGUMENT")]
    [InlineData("since: \"2019-01-01T00:00:00Z\", until: \"2019-01-02T00:00:00Z\", timeZone: \"Mars/Olympus_Mons\"", "UNKNOWN_TIME_ZONE")]
    [InlineData("since: \"2019-01-01T00:00:00Z\", until: \"2019-01-02T00:00:00Z\", timeZone: \"../../etc/passwd\"", "UNKNOWN_TIME_ZONE")]
    [InlineData("since: \"2019-01-01T00:00:00Z\", until: \"2019-01-02T00:00:00Z\", timeZone: \"\"", "UNKNOWN_TIME_ZONE")]
    [InlineData("since: \"2019-01-01T00:00:00Z\", until: \"2019-01-02T00:00:00Z\", timeZone: \"Asia/Kolkata\"", "UNSUPPORTED_TIME_ZONE")]
    [InlineData("since: \"2019-01-01T00:00:00Z\", until: \"2019-01-02T00:00:00Z\", timeZone: \"America/St_Johns\", bucket: HOUR", "UNSUPPORTED_TIME_ZONE")]
    [InlineData("since: \"2019-01-01T00:00:00Z\", until: \"2020-01-03T00:00:00Z\", bucket: HOUR", "RANGE_TOO_LONG")]
    [InlineData("since: \"2010-01-01T00:00:00Z\", until: \"2020-01-10T00:00:00Z\", bucket: DAY", "RANGE_TOO_LONG")]
    public async Task Bad_arguments_are_errors_with_a_code(string arguments, string code)
    {
        var response = await api.QueryAsync($"{{ contactStats({arguments}) {{ start }} }}");
        var (_, path, actual) = response.Error;
        Assert.Equal((code, "[\"contactStats\"]"), (actual, path));
    }

    [Fact]
    public async Task The_longest_ranges_and_a_range_without_contacts_answer()
    {
        // 366 days of hours and 3660 days are allowed; 1970 has no contacts in this database.
        Assert.Equal("""{"h":[],"d":[]}""", (await api.QueryAsync("""
            { h: contactStats(since: "1970-01-01T00:00:00Z", until: "1971-01-02T00:00:00Z", bucket: HOUR) { start }
              d: contactStats(since: "1970-01-01T00:00:00Z", until: "1980-01-08T00:00:00Z") { start } }
            """)).Data);
    }

    /// <summary>Random contacts over the range, plus some on the edges of the changed days, and a late arrival.</summary>
    private async Task IngestAroundTheChangesAsync()
    {
        var random = new Random(20181104);
        var prefix = "s" + Guid.NewGuid().ToString("N")[..10];
        var since = At(Since);
        var records = new List<object>();
        for (var n = 0; n < 600; n++)
        {
            var startedAt = since.AddMilliseconds(random.NextInt64((long)(At(Until) - since).TotalMilliseconds));
            records.Add(Record($"{prefix}-{random.Next(40)}@example.com", ChannelOrder[random.Next(4)], startedAt, $"{prefix}-r{n}"));
        }
        // Around each change: the last instant of the day before, the first of the day, the last of it, the first of the next.
        string[] edges =
        [
            "2018-11-04T02:59:59.999Z", "2018-11-04T03:00:00Z", "2018-11-05T01:59:59.999Z", "2018-11-05T02:00:00Z",
            "2019-02-16T01:59:59.999Z", "2019-02-16T02:00:00Z", "2019-02-17T02:30:00Z", "2019-02-17T02:59:59.999Z", "2019-02-17T03:00:00Z",
            Since, "2019-03-03T02:59:59.999Z",
        ];
        foreach (var (edge, k) in edges.Select((e, k) => (e, k)))
            records.Add(Record($"{prefix}-edge@example.com", ChannelOrder[k % 4], At(edge), $"{prefix}-e{k}"));
        foreach (var chunk in records.Chunk(200))
            await api.IngestAsync([.. chunk]);
        // A late arrival, and the first chunk delivered again (duplicates: counted once).
        await api.IngestAsync(Record($"{prefix}-late@example.com", "CHAT", At("2018-11-04T12:00:00Z"), $"{prefix}-late"));
        using var again = await api.Http.PostAsync("/ingest/interactions",
            new StringContent(System.Text.Json.JsonSerializer.Serialize(records.Take(200)), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(200, JsonNode.Parse(await again.Content.ReadAsStringAsync())!["duplicates"]!.GetValue<int>());
    }

    private static object Record(string customer, string channel, DateTime startedAt, string id) =>
        new { id, customer, channel, startedAt = startedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) };

    private sealed record RawContact(DateTime StartedAt, string Channel);

    private sealed record Bucket(string Start, string Channel, int Contacts);

    /// <summary>Every stored interaction with since &lt;= started_at &lt; until, whoever wrote it.</summary>
    private async Task<List<RawContact>> RawAsync(string since, string until) =>
        (await api.Database.RowsAsync("SELECT started_at, channel FROM interactions WHERE started_at >= @s AND started_at < @u",
            ("@s", At(since)), ("@u", At(until))))
        .ConvertAll(r => new RawContact(DateTime.SpecifyKind(DateTime.ParseExact(r[0]!, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture), DateTimeKind.Utc), r[1]!));

    private static List<Bucket> Reference(List<RawContact> raw, Func<RawContact, DateTime> start) =>
        [.. raw.GroupBy(r => (Start: start(r), r.Channel))
            .OrderBy(g => g.Key.Start).ThenBy(g => Array.IndexOf(ChannelOrder, g.Key.Channel))
            .Select(g => new Bucket(g.Key.Start.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), g.Key.Channel, g.Count()))];

    /// <summary>
    /// The start of the Sao Paulo day of an instant, computed from local time: local midnight in UTC, or when the
    /// clocks skipped midnight, the first local hour that exists.
    /// </summary>
    private static DateTime LocalDayStart(DateTime utc)
    {
        var midnight = TimeZoneInfo.ConvertTimeFromUtc(utc, SaoPaulo).Date;
        while (SaoPaulo.IsInvalidTime(midnight))
            midnight = midnight.AddHours(1);
        // An ambiguous local midnight (never in Sao Paulo's rules: its clocks fell back to 23:00) would take its first instant.
        return TimeZoneInfo.ConvertTimeToUtc(midnight, SaoPaulo);
    }

    private async Task<List<Bucket>> StatsAsync(string query)
    {
        var data = JsonNode.Parse((await api.QueryAsync(query)).Data)!["contactStats"]!.AsArray();
        return [.. data.Select(b => new Bucket(b!["start"]!.GetValue<string>(), b["channel"]!.GetValue<string>(), b["contacts"]!.GetValue<int>()))];
    }

    private static DateTime At(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).UtcDateTime;
}
