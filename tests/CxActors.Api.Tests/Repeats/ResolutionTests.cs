using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using static CxActors.Api.Tests.Repeats.ResolutionReference;

namespace CxActors.Api.Tests.Repeats;

/// <summary>
/// Every repeat-contact answer against <see cref="ResolutionReference"/> over generated histories: random times on a
/// grid of W/4 (many contacts exactly W apart or at equal times, ordered by id) with ±1 ms neighbours, every channel,
/// records sent in shuffled batches (late arrivals) and partly sent again (re-deliveries).
/// </summary>
public sealed class ResolutionTests(ResolutionFixture fixture, ITestOutputHelper output) : IClassFixture<ResolutionFixture>
{
    private static readonly string[] ChannelCodes = ["PHONE", "CHAT", "WHATSAPP", "EMAIL"];

    [Theory]
    [InlineData(1, 1991, 11)]
    [InlineData(24, 1993, 12)]
    [InlineData(168, 1995, 13)]
    public async Task Every_field_matches_the_definitions_over_generated_histories(int hours, int year, int seed)
    {
        var w = TimeSpan.FromHours(hours);
        var origin = new DateTime(year, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var random = new Random(seed);
        var (contacts, customers) = await IngestGeneratedAsync(random, origin, w);
        var quantum = w / 4;
        DateTime At(int steps, int ms = 0) => origin + quantum * steps + TimeSpan.FromMilliseconds(ms);
        var asOfs = new[] { At(6), At(8, 1), At(11, -1) };

        // Per interaction, per customer.
        foreach (var customer in customers)
        {
            var windows = new List<(DateTime Since, DateTime Until, Channel? Channel)>
            {
                (At(-4), At(40), null), (At(4), At(9), Channel.Phone), (At(5, 1), At(12, -1), Channel.Chat), (At(2), At(14), null),
            };
            var query = new StringBuilder($$"""query($id: String!) { customer(id: $id) { interactions(first: 100) { nodes { id channel startedAt """);
            query.Append($"isRepeat(withinHours: {hours}) isChannelSwitch(withinHours: {hours}) now: resolution(withinHours: {hours}) ");
            for (var a = 0; a < asOfs.Length; a++)
                query.Append($"""r{a}: resolution(withinHours: {hours}, asOf: "{Iso(asOfs[a])}") """);
            query.Append("} } ");
            for (var x = 0; x < windows.Count; x++)
            {
                var (since, until, channel) = windows[x];
                var args = $"""since: "{Iso(since)}", until: "{Iso(until)}", withinHours: {hours}""";
                query.Append($"rc{x}: repeatContacts({args}{(channel is { } c ? ", channel: " + c.ToCode() : "")}) cs{x}: channelSwitches({args}) ");
            }
            query.Append("defaultWindow: repeatContacts } }");
            var data = await DataAsync(query.ToString(), new { id = customer });
            var node = data["customer"]!;

            var mine = contacts.Where(c => c.Customer == customer).OrderByDescending(c => c.StartedAt).ThenByDescending(c => c.Id, StringComparer.Ordinal).ToList();
            var expected = mine.Select(c => string.Join('|', c.Id, c.Channel.ToCode(), Iso(c.StartedAt), IsRepeat(contacts, c, w), IsChannelSwitch(contacts, c, w),
                ResolutionAsOf(contacts, c, w, DateTime.UtcNow), string.Join(',', asOfs.Select(a => ResolutionAsOf(contacts, c, w, a))))).ToList();
            var actual = node["interactions"]!["nodes"]!.AsArray().Select(n => string.Join('|', S(n!["id"]), S(n["channel"]), S(n["startedAt"]),
                n["isRepeat"]!.GetValue<bool>(), n["isChannelSwitch"]!.GetValue<bool>(), S(n["now"]),
                string.Join(',', Enumerable.Range(0, asOfs.Length).Select(a => S(n[$"r{a}"]))))).ToList();
            Assert.Equal(expected, actual);

            for (var x = 0; x < windows.Count; x++)
            {
                var (since, until, channel) = windows[x];
                Assert.Equal(
                    (CustomerRepeats(contacts, customer, since, until, w, channel, false), CustomerRepeats(contacts, customer, since, until, w, null, true)),
                    (node[$"rc{x}"]!.GetValue<int>(), node[$"cs{x}"]!.GetValue<int>()));
            }
            Assert.Equal(0, node["defaultWindow"]!.GetValue<int>()); // the last 24 h before now: nothing this old
        }
        Assert.True(contacts.Any(c => IsChannelSwitch(contacts, c, w)) && contacts.Any(c => IsRepeat(contacts, c, w) && !IsChannelSwitch(contacts, c, w)),
            "the generated histories have repeats on the same channel and switches");

        // The fleet: resolutionStats over several windows and times of answer.
        var statsCases = new List<(DateTime Since, DateTime Until, DateTime? AsOf)>
        {
            (At(-8), At(40), null), (At(0), At(16), At(8)), (At(4), At(8), At(6, 1)), (At(3, 1), At(13, -1), At(12)), (At(20), At(30), null),
        };
        foreach (var (since, until, asOf) in statsCases)
        {
            var data = await DataAsync($$"""
                { resolutionStats(since: "{{Iso(since)}}", until: "{{Iso(until)}}", withinHours: {{hours}}{{(asOf is { } a ? $", asOf: \"{Iso(a)}\"" : "")}}) {
                    channel contacts repeats channelSwitches resolved repeated open fcr } }
                """);
            var actual = data["resolutionStats"]!.AsArray().Select(n => StatsLine(S(n!["channel"]), I(n["contacts"]), I(n["repeats"]), I(n["channelSwitches"]),
                I(n["resolved"]), I(n["repeated"]), I(n["open"]), n["fcr"]?.GetValue<double>())).ToList();
            Assert.Equal(Stats(contacts, since, until, w, asOf ?? DateTime.UtcNow), actual);
        }

        // The fleet: repeatCallers, page by page.
        foreach (var (since, until, minRepeats) in new[] { (At(-8), At(40), 1), (At(-8), At(40), 3), (At(4), At(10, 1), 1), (At(30), At(40), 1) })
        {
            var pages = new List<string>();
            string? after = null;
            var total = -1;
            do
            {
                var data = await DataAsync($$"""
                    query($after: String) { repeatCallers(since: "{{Iso(since)}}", until: "{{Iso(until)}}", withinHours: {{hours}}, minRepeats: {{minRepeats}}, first: 2, after: $after) {
                      totalCount nodes { customerId contacts } pageInfo { hasNextPage endCursor } } }
                    """, new { after });
                var connection = data["repeatCallers"]!;
                total = I(connection["totalCount"]);
                pages.AddRange(connection["nodes"]!.AsArray().Select(n => $"{S(n!["customerId"])} {I(n["contacts"])}"));
                after = connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>() ? S(connection["pageInfo"]!["endCursor"]) : null;
            }
            while (after is not null && pages.Count < 100);
            var expected = RepeatCallers(contacts, since, until, w, minRepeats);
            Assert.Equal(expected, pages);
            Assert.Equal(expected.Count, total);
        }
    }

    [Fact]
    public async Task Bad_arguments_are_refused_with_INVALID_ARGUMENT()
    {
        foreach (var field in new[]
        {
            """resolutionStats(since: "2001-01-01T00:00:00Z", until: "2001-01-02T00:00:00Z", withinHours: 0) { channel }""",
            """resolutionStats(since: "2001-01-01T00:00:00Z", until: "2001-01-02T00:00:00Z", withinHours: 721) { channel }""",
            """resolutionStats(since: "2001-01-02T00:00:00Z", until: "2001-01-02T00:00:00Z") { channel }""",
            """repeatCallers(since: "2001-01-03T00:00:00Z", until: "2001-01-02T00:00:00Z") { totalCount }""",
            """repeatCallers(minRepeats: 0) { totalCount }""",
            """repeatCallers(first: 0) { totalCount }""",
            """repeatCallers(first: 101) { totalCount }""",
            """repeatCallers(withinHours: -5) { totalCount }""",
        })
        {
            var response = await fixture.Http.QueryAsync("{ " + field + " }");
            Assert.Equal(ErrorCodesInvalidArgument, response.Error.Code);
        }
        var cursor = await fixture.Http.QueryAsync("""{ repeatCallers(after: "bm90LWEtY3Vyc29y") { totalCount } }""");
        Assert.Equal("INVALID_CURSOR", cursor.Error.Code);

        var customer = Interactions.NewCustomer();
        await PostAsync([Record(customer, "CHAT", new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), null)]);
        foreach (var field in new[]
        {
            "repeatContacts(withinHours: 0)", "channelSwitches(withinHours: 721)",
            """repeatContacts(since: "2001-01-02T00:00:00Z", until: "2001-01-01T00:00:00Z")""",
            "interactions { nodes { isRepeat(withinHours: 0) } }", "interactions { nodes { resolution(withinHours: 1000) } }",
        })
        {
            var response = await fixture.Http.QueryAsync("query($id: String!) { customer(id: $id) { " + field + " } }", new { id = customer });
            Assert.Equal(ErrorCodesInvalidArgument, response.Error.Code);
        }
    }

    /// <summary>
    /// The README's worked example: the four seed exports through the ingest endpoints, then the fleet and per-customer
    /// answers for 2019 against the reference over the rows they produced (printed for the README).
    /// </summary>
    [Fact]
    public async Task The_seed_exports_worked_example()
    {
        foreach (var (path, file, type) in new[]
        {
            ("/ingest/ura", "UraTelefonica.jsonl", "application/json"), ("/ingest/chat", "chatOnline.jsonl", "application/json"),
            ("/ingest/whatsapp", "Whatsapp.csv", "text/csv"), ("/ingest/email", "email.csv", "text/csv"),
        })
        {
            using var content = new StringContent(await File.ReadAllTextAsync(SeedExports.PathOf(file)), Encoding.UTF8);
            content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type);
            using var response = await fixture.Http.PostAsync(path, content);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var contacts = (await fixture.Database.RowsAsync(
                "SELECT customer_id, interaction_id, channel, started_at FROM interactions WHERE started_at >= '2019-01-01' AND started_at < '2020-01-01'"))
            .Select(r => new RefContact(r[0]!, r[1]!, Channels.TryParse(r[2], out var c) ? c : throw new InvalidDataException(r[2]),
                DateTime.SpecifyKind(DateTime.Parse(r[3]!, CultureInfo.InvariantCulture), DateTimeKind.Utc)))
            .ToList();
        Assert.Equal(20, contacts.Count);
        var since = new DateTime(2019, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var until = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var hours in new[] { 24, 168, 720 })
        {
            var w = TimeSpan.FromHours(hours);
            var data = await DataAsync($$"""
                { resolutionStats(since: "2019-01-01T00:00:00Z", until: "2020-01-01T00:00:00Z", withinHours: {{hours}}) { channel contacts repeats channelSwitches resolved repeated open fcr }
                  repeatCallers(since: "2019-01-01T00:00:00Z", until: "2020-01-01T00:00:00Z", withinHours: {{hours}}) { totalCount nodes { customerId contacts } } }
                """);
            output.WriteLine($"W = {hours} h: {data.ToJsonString()}");
            var stats = data["resolutionStats"]!.AsArray().Select(n => StatsLine(S(n!["channel"]), I(n["contacts"]), I(n["repeats"]), I(n["channelSwitches"]),
                I(n["resolved"]), I(n["repeated"]), I(n["open"]), n["fcr"]?.GetValue<double>())).ToList();
            Assert.Equal(Stats(contacts, since, until, w, DateTime.UtcNow), stats);
            Assert.Equal(RepeatCallers(contacts, since, until.AddTicks(-1), w, 1),
                data["repeatCallers"]!["nodes"]!.AsArray().Select(n => $"{S(n!["customerId"])} {I(n["contacts"])}").ToList());
        }
        foreach (var customer in contacts.Select(c => c.Customer).Distinct().Order(StringComparer.Ordinal))
        {
            var data = await DataAsync("""
                query($id: String!) { customer(id: $id) { repeatContacts(since: "2019-01-01T00:00:00Z", until: "2020-01-01T00:00:00Z", withinHours: 720)
                  interactions { nodes { channel startedAt isRepeat(withinHours: 720) isChannelSwitch(withinHours: 720) resolution(withinHours: 720) } } } }
                """, new { id = customer });
            output.WriteLine($"{customer}: {data.ToJsonString()}");
            var mine = contacts.Where(c => c.Customer == customer).OrderByDescending(c => c.StartedAt).ThenByDescending(c => c.Id, StringComparer.Ordinal).ToList();
            var w = TimeSpan.FromHours(720);
            Assert.Equal(mine.Select(c => $"{c.Channel.ToCode()} {Iso(c.StartedAt)} {IsRepeat(contacts, c, w)} {IsChannelSwitch(contacts, c, w)} {ResolutionAsOf(contacts, c, w, DateTime.UtcNow)}"),
                data["customer"]!["interactions"]!["nodes"]!.AsArray().Select(n => $"{S(n!["channel"])} {S(n["startedAt"])} {n["isRepeat"]} {n["isChannelSwitch"]} {S(n["resolution"])}"),
                StringComparer.OrdinalIgnoreCase);
            Assert.Equal(CustomerRepeats(contacts, customer, since, until, w, null, false), I(data["customer"]!["repeatContacts"]));
        }
    }

    private const string ErrorCodesInvalidArgument = "INVALID_ARGUMENT";

    /// <summary>Generates, sends (shuffled, in batches, partly twice) and returns the distinct contacts and the customers.</summary>
    private async Task<(List<RefContact> Contacts, List<string> Customers)> IngestGeneratedAsync(Random random, DateTime origin, TimeSpan w)
    {
        var prefix = "r" + Guid.NewGuid().ToString("N")[..8];
        var customers = Enumerable.Range(0, 7).Select(k => $"{prefix}-{k}@example.com").ToList();
        var records = new List<JsonObject>();
        var contacts = new Dictionary<string, RefContact>(StringComparer.Ordinal);
        var quantum = w / 4;
        for (var k = 0; k < customers.Count; k++)
        {
            var n = random.Next(1, 20);
            for (var j = 0; j < n; j++)
            {
                var startedAt = origin + quantum * random.Next(0, 17) + TimeSpan.FromMilliseconds(random.Next(4) == 0 ? random.Next(-1, 2) : 0);
                var channel = (Channel)random.Next(4);
                // A quarter without a source id: their identity is (customer, channel, startedAt), so some collide and are duplicates.
                var sourceId = random.Next(4) == 0 ? null : $"{prefix}-{k}-{j}";
                var id = InteractionIdentity.Compute(customers[k], channel, startedAt, sourceId);
                contacts.TryAdd(id, new RefContact(customers[k], id, channel, startedAt));
                records.Add(Record(customers[k], ChannelCodes[(int)channel], startedAt, sourceId));
            }
        }
        var shuffled = records.OrderBy(_ => random.Next()).ToList();
        var redelivered = shuffled.Where(_ => random.Next(3) == 0).OrderBy(_ => random.Next()).ToList();
        foreach (var list in new[] { shuffled, redelivered })
        {
            for (var i = 0; i < list.Count;)
            {
                var size = Math.Min(list.Count - i, random.Next(1, 7));
                await PostAsync(list.GetRange(i, size));
                i += size;
            }
        }
        Assert.Equal(contacts.Count, await fixture.Database.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id LIKE @p", ("@p", prefix + "-%")));
        return ([.. contacts.Values], customers);
    }

    private static JsonObject Record(string customer, string channel, DateTime startedAt, string? sourceId) => new()
    {
        ["customer"] = customer,
        ["channel"] = channel,
        ["startedAt"] = Iso(startedAt),
        ["id"] = sourceId,
    };

    private async Task PostAsync(IEnumerable<JsonObject> records)
    {
        var body = new JsonArray([.. records.Select(r => (JsonNode)r.DeepClone())]).ToJsonString();
        using var response = await fixture.Http.PostAsync("/ingest/interactions", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Empty(JsonNode.Parse(text)!["rejected"]!.AsArray());
    }

    private async Task<JsonNode> DataAsync(string query, object? variables = null)
    {
        var response = await fixture.Http.QueryAsync(query, variables);
        _ = response.Data; // asserts 200 without errors
        return response.Json["data"]!;
    }

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    private static string S(JsonNode? node) => node!.GetValue<string>();
    private static int I(JsonNode? node) => node!.GetValue<int>();
}
