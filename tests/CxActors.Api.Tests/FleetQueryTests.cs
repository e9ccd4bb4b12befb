using System.Text.Json.Nodes;

namespace CxActors.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class FleetQueryTests(ApiFixture api)
{
    [Fact]
    public async Task Counts_contacts_per_customer_in_a_window_most_first_ties_by_id_and_pages_with_cursors()
    {
        // A window no other test writes into: 2011-05-10T00:00Z < startedAt <= 2011-05-11T00:00Z.
        var prefix = "f" + Guid.NewGuid().ToString("N")[..10];
        string C(int n) => $"{prefix}-{n}@example.com";
        await api.IngestAsync(
            new { customer = C(2), channel = "CHAT", startedAt = "2011-05-10T00:00:00.001Z" },
            new { customer = C(2), channel = "PHONE", startedAt = "2011-05-10T12:00:00Z" },
            new { customer = C(2), channel = "CHAT", startedAt = "2011-05-11T00:00:00Z" },          // exactly until: in
            new { customer = C(1), channel = "EMAIL", startedAt = "2011-05-10T06:00:00+03:00" },    // 03:00Z
            new { customer = C(1), channel = "CHAT", startedAt = "2011-05-10T07:00:00Z" },
            new { customer = C(1), channel = "CHAT", startedAt = "2011-05-10T08:00:00Z" },
            new { customer = C(3), channel = "WHATSAPP", startedAt = "2011-05-10T09:00:00Z" },
            new { customer = C(3), channel = "CHAT", startedAt = "2011-05-09T23:59:59.999Z" },      // before since: out
            new { customer = C(4), channel = "PHONE", startedAt = "2011-05-10T00:00:00Z" },         // exactly since: out
            new { customer = C(4), channel = "PHONE", startedAt = "2011-05-11T00:00:00.001Z" },     // after until: out
            new { customer = C(5), channel = "PHONE", startedAt = "2011-05-10T10:00:00Z" },
            new { customer = C(5), channel = "PHONE", startedAt = "2011-05-10T11:00:00Z" });
        // A late arrival for customer 3, sent after the rest.
        await api.IngestAsync(new { customer = C(3), channel = "CHAT", startedAt = "2011-05-10T22:00:00Z" });

        var pages = new List<string>();
        string? after = null;
        do
        {
            var response = await api.QueryAsync(
                """
                query($after: String) {
                  contactCounts(since: "2011-05-10T00:00:00Z", until: "2011-05-11T00:00:00Z", first: 2, after: $after) {
                    totalCount nodes { customerId contacts } pageInfo { hasNextPage endCursor }
                  }
                }
                """, new { after });
            var connection = response.Json["data"]!["contactCounts"]!;
            Assert.Equal(4, connection["totalCount"]!.GetValue<int>());
            pages.Add(connection["nodes"]!.ToJsonString());
            after = connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>() ? connection["pageInfo"]!["endCursor"]!.GetValue<string>() : null;
        }
        while (after is not null && pages.Count < 5);

        Assert.Equal(
        [
            $$"""[{"customerId":"{{C(1)}}","contacts":3},{"customerId":"{{C(2)}}","contacts":3}]""",
            $$"""[{"customerId":"{{C(3)}}","contacts":2},{"customerId":"{{C(5)}}","contacts":2}]""",
        ], pages);

        var chats = await api.QueryAsync("""
            {
              chat: contactCounts(since: "2011-05-10T00:00:00Z", until: "2011-05-11T00:00:00Z", channel: CHAT) { totalCount nodes { customerId contacts customer { id } } pageInfo { hasNextPage } }
              defaultSince: contactCounts(until: "2011-05-10T09:00:00Z") { totalCount nodes { customerId contacts } }
              empty: contactCounts(since: "2011-05-10T00:00:00Z", until: "2011-05-10T00:00:00Z") { totalCount nodes { customerId } pageInfo { hasNextPage endCursor } }
            }
            """);
        Assert.Equal(
            $$$"""{"chat":{"totalCount":3,"nodes":[{"customerId":"{{{C(1)}}}","contacts":2,"customer":{"id":"{{{C(1)}}}"}},{"customerId":"{{{C(2)}}}","contacts":2,"customer":{"id":"{{{C(2)}}}"}},{"customerId":"{{{C(3)}}}","contacts":1,"customer":{"id":"{{{C(3)}}}"}}],"pageInfo":{"hasNextPage":false}},""" +
            $$$"""
            "defaultSince":{"totalCount":4,"nodes":[{"customerId":"{{{C(1)}}}","contacts":3},{"customerId":"{{{C(3)}}}","contacts":2},{"customerId":"{{{C(2)}}}","contacts":1},{"customerId":"{{{C(4)}}}","contacts":1}]},
            """ +
            """
            "empty":{"totalCount":0,"nodes":[],"pageInfo":{"hasNextPage":false,"endCursor":null}}}
            """,
            chats.Data);
    }

    [Fact]
    public async Task Lists_every_customer_in_id_order_through_cursors()
    {
        var mine = Enumerable.Range(0, 7).Select(_ => Interactions.NewCustomer()).ToList();
        await api.IngestAsync(mine.Select(c => (object)new { customer = c, channel = "EMAIL", startedAt = "2019-01-01T00:00:00Z", name = "N " + c[..5] }).ToArray());

        var expected = (await api.Database.TextAsync("SELECT customer_id FROM customers ORDER BY customer_id")).Split('\n').ToList();
        var total = await api.Database.ScalarAsync<int>("SELECT COUNT(*) FROM customers");
        Assert.Equal(expected.Count, total);

        var seen = new List<string>();
        var names = new Dictionary<string, string?>();
        string? after = null;
        for (var page = 0; page < 1000; page++)
        {
            var response = await api.QueryAsync(
                "query($after: String) { customers(first: 4, after: $after) { totalCount nodes { id name } pageInfo { hasNextPage endCursor } } }", new { after });
            var connection = response.Json["data"]!["customers"]!;
            Assert.Equal(total, connection["totalCount"]!.GetValue<int>());
            foreach (var node in connection["nodes"]!.AsArray())
            {
                seen.Add(node!["id"]!.GetValue<string>());
                names[node["id"]!.GetValue<string>()] = node["name"]?.GetValue<string>();
            }
            if (!connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>())
                break;
            after = connection["pageInfo"]!["endCursor"]!.GetValue<string>();
        }

        Assert.Equal(expected, seen);
        foreach (var c in mine)
            Assert.Equal("N " + c[..5], names[c]);
    }
}
