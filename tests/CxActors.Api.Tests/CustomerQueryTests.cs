using static CxActors.Tests.Infrastructure.Interactions;

namespace CxActors.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class CustomerQueryTests(ApiFixture api)
{
    [Fact]
    public async Task Answers_the_three_questions_with_exact_24_hour_boundaries_and_a_late_arrival()
    {
        var customer = NewCustomer();
        await api.IngestAsync(
            new { customer = "  " + customer.ToUpperInvariant(), channel = "PHONE", startedAt = "2024-07-01T12:00:00.000Z", name = "Maria Souza", phone = "+55 (71) 98888-1234", agent = "ana" },
            new { customer, channel = "CHAT", startedAt = "2024-07-01T12:00:00.001Z", status = "closed", queue = "vip", feedbackScore = 4, feedbackComment = "ok" },
            new { customer, channel = "WHATSAPP", startedAt = "2024-07-02T09:00:00-03:00", classification = "billing", subClassification = "late fee", waitSeconds = 30, handleSeconds = 300 },
            new { customer, channel = "EMAIL", startedAt = "2024-07-02T12:00:00.001Z", endedAt = "2024-07-02T13:00:00Z" },
            new { customer, channel = "CHAT", startedAt = "2024-06-15T08:00:00-03:00" });
        // A late arrival: older than the newest, sent afterwards.
        await api.IngestAsync(new { customer, channel = "PHONE", startedAt = "2024-07-02T09:30:00+02:00" });

        var response = await api.QueryAsync($$"""
            {
              customer(id: " {{customer.ToUpperInvariant()}} ") {
                id email name phones
                contactsLast24h(asOf: "2024-07-02T12:00:00Z")
                atLocal: contactsLast24h(asOf: "2024-07-02T09:00:00-03:00")
                window: contactCount(since: "2024-07-01T12:00:00Z", until: "2024-07-02T12:00:00Z")
                chats: contactCount(since: "2024-07-01T12:00:00Z", until: "2024-07-02T12:00:00Z", channel: CHAT)
                phones2024: contactCount(since: "2024-01-01T00:00:00Z", until: "2025-01-01T00:00:00Z", channel: PHONE)
                before: contactCount(since: "2024-06-01T00:00:00Z", until: "2024-06-15T11:00:00Z")
                empty: contactCount(since: "2024-07-02T12:00:00Z", until: "2024-07-01T12:00:00Z")
                interactionCounts { channel count }
                lastInteraction { channel startedAt endedAt }
                firstContactAt totalContacts
              }
            }
            """);

        Assert.Equal(
            $$"""{"customer":{"id":"{{customer}}","email":"{{customer}}","name":"Maria Souza","phones":["\u002B5571988881234"],""" +
            """ "contactsLast24h":3,"atLocal":3,"window":3,"chats":1,"phones2024":2,"before":1,"empty":0,""".Trim() +
            """ "interactionCounts":[{"channel":"PHONE","count":2},{"channel":"CHAT","count":2},{"channel":"WHATSAPP","count":1},{"channel":"EMAIL","count":1}],""".Trim() +
            """ "lastInteraction":{"channel":"EMAIL","startedAt":"2024-07-02T12:00:00.001Z","endedAt":"2024-07-02T13:00:00.000Z"},""".Trim() +
            """ "firstContactAt":"2024-06-15T11:00:00.000Z","totalContacts":6}}""".Trim(),
            response.Data);

        var all = await api.QueryAsync($$"""
            { customer(id: "{{customer}}") { interactions(first: 100) { totalCount nodes { channel startedAt agent status queue classification subClassification feedbackScore feedbackComment waitSeconds handleSeconds } pageInfo { hasNextPage } } } }
            """);
        Assert.Equal(
            """{"customer":{"interactions":{"totalCount":6,"nodes":[""" +
            """{"channel":"EMAIL","startedAt":"2024-07-02T12:00:00.001Z","agent":null,"status":null,"queue":null,"classification":null,"subClassification":null,"feedbackScore":null,"feedbackComment":null,"waitSeconds":null,"handleSeconds":null},""" +
            """{"channel":"WHATSAPP","startedAt":"2024-07-02T12:00:00.000Z","agent":null,"status":null,"queue":null,"classification":"billing","subClassification":"late fee","feedbackScore":null,"feedbackComment":null,"waitSeconds":30,"handleSeconds":300},""" +
            """{"channel":"PHONE","startedAt":"2024-07-02T07:30:00.000Z","agent":null,"status":null,"queue":null,"classification":null,"subClassification":null,"feedbackScore":null,"feedbackComment":null,"waitSeconds":null,"handleSeconds":null},""" +
            """{"channel":"CHAT","startedAt":"2024-07-01T12:00:00.001Z","agent":null,"status":"closed","queue":"vip","classification":null,"subClassification":null,"feedbackScore":4,"feedbackComment":"ok","waitSeconds":null,"handleSeconds":null},""" +
            """{"channel":"PHONE","startedAt":"2024-07-01T12:00:00.000Z","agent":"ana","status":null,"queue":null,"classification":null,"subClassification":null,"feedbackScore":null,"feedbackComment":null,"waitSeconds":null,"handleSeconds":null},""" +
            """{"channel":"CHAT","startedAt":"2024-06-15T11:00:00.000Z","agent":null,"status":null,"queue":null,"classification":null,"subClassification":null,"feedbackScore":null,"feedbackComment":null,"waitSeconds":null,"handleSeconds":null}""" +
            """],"pageInfo":{"hasNextPage":false}}}}""",
            all.Data);
    }

    [Fact]
    public async Task Contacts_in_the_last_24_hours_default_to_now()
    {
        var customer = NewCustomer();
        var now = DateTime.UtcNow;
        await api.IngestAsync(
            new { customer, channel = "CHAT", startedAt = Iso(now.AddHours(-1)) },
            new { customer, channel = "EMAIL", startedAt = Iso(now.AddHours(-23)) },
            new { customer, channel = "PHONE", startedAt = Iso(now.AddHours(-25)) },
            new { customer, channel = "PHONE", startedAt = Iso(now.AddMinutes(30)) });

        var response = await api.QueryAsync($$"""{ customer(id: "{{customer}}") { contactsLast24h contactCount phone: contactCount(channel: PHONE) } }""");

        Assert.Equal("""{"customer":{"contactsLast24h":2,"contactCount":2,"phone":0}}""", response.Data);
    }

    [Fact]
    public async Task Looks_customers_up_by_a_linked_phone_and_answers_null_for_unknown_ones()
    {
        var customer = NewCustomer();
        var digits = "55719" + Random.Shared.NextInt64(10_000_000, 99_999_999); // a valid Salvador mobile
        await api.IngestAsync(new { customer, channel = "PHONE", startedAt = "2023-05-01T10:00:00Z", phone = digits });

        var response = await api.QueryAsync($$"""
            {
              byPhone: customer(id: "+{{digits[..2]}} ({{digits[2..4]}}) {{digits[4..]}}") { id phones }
              unknownEmail: customer(id: "{{NewCustomer()}}") { id }
              unknownPhone: customer(id: "+1 555 0100 9999") { id }
              noDigits: customer(id: "not a phone") { id }
              blank: customer(id: "   ") { id }
            }
            """);

        Assert.Equal(
            $$"""{"byPhone":{"id":"{{customer}}","phones":["\u002B{{digits}}"]},"unknownEmail":null,"unknownPhone":null,"noDigits":null,"blank":null}""",
            response.Data);
    }

    [Fact]
    public async Task Pages_through_interactions_past_the_grains_memory_with_stable_cursors()
    {
        var customer = NewCustomer();
        var start = Utc(2022, 1, 1, 8);
        var records = Enumerable.Range(0, 23)
            .Select(i => (object)new { customer, channel = i % 3 == 0 ? "CHAT" : "PHONE", startedAt = Iso(start.AddHours(i)) })
            .ToArray();
        await api.IngestAsync(records);
        var expected = Enumerable.Range(0, 23).Reverse().Select(i => Iso(start.AddHours(i))).ToList();

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        while (true)
        {
            var response = await api.QueryAsync(
                "query($id: String!, $after: String) { customer(id: $id) { interactions(first: 5, after: $after) { totalCount nodes { startedAt } pageInfo { hasNextPage endCursor } } } }",
                new { id = customer, after });
            var connection = response.Json["data"]!["customer"]!["interactions"]!;
            Assert.Equal(pages == 0 ? 23 : 25, connection["totalCount"]!.GetValue<int>());
            seen.AddRange(connection["nodes"]!.AsArray().Select(n => n!["startedAt"]!.GetValue<string>()));
            pages++;
            if (pages == 1)
            {
                // New interactions (newer and older than the page) arrive between pages: the cursor still continues in place.
                await api.IngestAsync(
                    new { customer, channel = "EMAIL", startedAt = Iso(start.AddDays(10)) },
                    new { customer, channel = "EMAIL", startedAt = Iso(start.AddDays(-10)) });
                expected.Add(Iso(start.AddDays(-10)));
            }
            if (!connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>())
                break;
            after = connection["pageInfo"]!["endCursor"]!.GetValue<string>();
            Assert.True(pages < 10);
        }
        Assert.Equal(5, pages);
        Assert.Equal(expected, seen);

        var chats = await api.QueryAsync($$"""{ customer(id: "{{customer}}") { interactions(channel: CHAT, first: 3) { totalCount nodes { startedAt } pageInfo { hasNextPage } } } }""");
        Assert.Equal(
            """{"customer":{"interactions":{"totalCount":8,"nodes":[{"startedAt":"2022-01-02T05:00:00.000Z"},{"startedAt":"2022-01-02T02:00:00.000Z"},{"startedAt":"2022-01-01T23:00:00.000Z"}],"pageInfo":{"hasNextPage":true}}}}""",
            chats.Data);

        // Windows that lie before the grain's 5 recent interactions are counted from MySQL, exactly.
        var old = await api.QueryAsync($$"""
            { customer(id: "{{customer}}") { contactsLast24h(asOf: "2022-01-01T12:00:00Z") phone: contactCount(since: "2022-01-01T08:00:00Z", until: "2022-01-01T12:00:00Z", channel: PHONE) } }
            """);
        Assert.Equal("""{"customer":{"contactsLast24h":5,"phone":3}}""", old.Data);
    }

    [Fact]
    public async Task Fifty_aliased_customers_run_in_one_document()
    {
        var customers = Enumerable.Range(0, 25).Select(_ => NewCustomer()).ToList();
        await api.IngestAsync(customers.Select((c, i) => (object)new { customer = c, channel = "CHAT", startedAt = Iso(Utc(2021, 3, 1).AddMinutes(i)) }).ToArray());

        var aliases = string.Join('\n', customers.Select((c, i) =>
            $$"""k{{i}}: customer(id: "{{c}}") { contactsLast24h(asOf: "2021-03-01T12:00:00Z") interactionCounts { channel count } lastInteraction { channel startedAt } }""")
            .Concat(Enumerable.Range(0, 25).Select(i => $$"""u{{i}}: customer(id: "{{NewCustomer()}}") { id }""")));
        var response = await api.QueryAsync("{\n" + aliases + "\n}");

        var data = response.Json["data"]!.AsObject();
        Assert.True(response.Json["errors"] is null, response.Body);
        Assert.Equal(50, data.Count);
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(
                $$$"""{"contactsLast24h":1,"interactionCounts":[{"channel":"CHAT","count":1}],"lastInteraction":{"channel":"CHAT","startedAt":"{{{Iso(Utc(2021, 3, 1).AddMinutes(i))}}}"}}""",
                data[$"k{i}"]!.ToJsonString());
            Assert.Null(data[$"u{i}"]);
        }
    }

    internal static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
