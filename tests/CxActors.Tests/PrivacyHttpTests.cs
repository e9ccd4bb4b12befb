using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

public sealed class PrivacySiloFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public SiloProcess Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Silo = await SiloProcess.StartAsync(Database.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>The LGPD endpoints against a real silo and MariaDB: export, erasure and its tombstone, the audit.</summary>
public sealed class PrivacyHttpTests(PrivacySiloFixture fixture) : IClassFixture<PrivacySiloFixture>
{
    /// <summary>The name of the key the fixture's silo client sends: the audit names who asked.</summary>
    private async Task<string> CallerAsync() =>
        await fixture.Database.TextAsync("SELECT name FROM api_keys WHERE key_hash = UNHEX(SHA2(@k, 256))", ("@k", fixture.Silo.ApiKey));

    private HttpClient Http => fixture.Silo.Http;
    private TestDatabase Db => fixture.Database;

    /// <summary>The keyed hash the service stores, computed here from the test silos' key.</summary>
    internal static string Hash(string kind, string subject) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SiloProcess.TestHashKey), Encoding.UTF8.GetBytes(kind + ":" + subject)));

    /// <summary>A Salvador mobile in E.164, the form links and the log store.</summary>
    private static string NewPhone() => "+55719" + Random.Shared.NextInt64(10_000_000, 99_999_999);

    internal static JsonObject Full(string customer, string channel, DateTime startedAt, string id, string? phone = null, string? name = null)
    {
        var record = Record(customer, channel, startedAt, id);
        record["phone"] = phone;
        record["name"] = name;
        record["agent"] = "Agente " + id;
        return record;
    }

    internal static async Task<(int Status, JsonElement Body)> SendAsync(HttpClient http, HttpMethod method, string path)
    {
        using var response = await http.SendAsync(new HttpRequestMessage(method, path));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Export_streams_everything_held_on_a_customer_with_10000_interactions()
    {
        var customer = Interactions.NewCustomer();
        var phone = NewPhone();
        var start = Interactions.Utc(2023, 1, 1);
        for (var part = 0; part < 2; part++)
        {
            var records = Enumerable.Range(part * 5000, 5000).Select(i =>
                Full(customer, (i % 4) switch { 0 => "PHONE", 1 => "CHAT", 2 => "WHATSAPP", _ => "EMAIL" }, start.AddMinutes(i), $"x{i}",
                    i == 0 ? phone : null, i == 9999 ? "Maria Export" : null)).ToList();
            var (status, answer) = await PostAsync(Http, records);
            Assert.Equal((200, 5000, 0), (status, answer.Accepted, answer.RejectedCount));
        }
        // A refused record naming the customer (unknown channel) is kept in ingest_rejections: it is the customer's too.
        var bad = Record(customer.ToUpperInvariant(), "FAX", start, "bad");
        var (badStatus, badAnswer) = await PostAsync(Http, [bad]);
        Assert.Equal((200, 1), (badStatus, badAnswer.RejectedCount));

        // By the linked phone, in any punctuation: the same customer.
        using var response = await Http.GetAsync($"/privacy/customers/{phone[..2]}-{phone[2..]}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var export = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
        var root = export.RootElement;
        Assert.Equal(customer, root.GetProperty("customerId").GetString());
        var profile = root.GetProperty("profile");
        Assert.Equal((10000, 2500, 2500, 2500, 2500, "Maria Export", phone),
            (profile.GetProperty("totalContacts").GetInt32(), profile.GetProperty("phoneContacts").GetInt32(), profile.GetProperty("chatContacts").GetInt32(),
             profile.GetProperty("whatsappContacts").GetInt32(), profile.GetProperty("emailContacts").GetInt32(), profile.GetProperty("name").GetString(),
             profile.GetProperty("phones").GetString()));
        var interactions = root.GetProperty("interactions");
        Assert.Equal(10000, interactions.GetArrayLength());
        // Log order: record i of the bodies is the customer's (i + 1)-th logged interaction.
        var first = interactions[0];
        Assert.Equal((1, "x0", "PHONE", "2023-01-01T00:00:00Z", phone, "Agente x0", "api"),
            (first.GetProperty("customerSeq").GetInt32(), first.GetProperty("sourceId").GetString(), first.GetProperty("channel").GetString(),
             first.GetProperty("startedAt").GetDateTime().ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ"), first.GetProperty("phone").GetString(),
             first.GetProperty("agent").GetString(), first.GetProperty("source").GetString()));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("customerName").ValueKind);
        var last = interactions[9999];
        Assert.Equal((10000, "x9999", "EMAIL", start.AddMinutes(9999), "Maria Export", 20),
            (last.GetProperty("customerSeq").GetInt32(), last.GetProperty("sourceId").GetString(), last.GetProperty("channel").GetString(),
             last.GetProperty("startedAt").GetDateTime().ToUniversalTime(), last.GetProperty("customerName").GetString(),
             last.EnumerateObject().Count()));
        var phones = root.GetProperty("phones");
        Assert.Equal(phone, Assert.Single(phones.EnumerateArray()).GetProperty("phone").GetString());
        var rejection = Assert.Single(root.GetProperty("rejections").EnumerateArray());
        Assert.Equal("canonical", rejection.GetProperty("channel").GetString());
        Assert.Contains(customer.ToUpperInvariant(), rejection.GetProperty("rawRecord").GetString());
        Assert.True(root.GetProperty("snapshot").GetProperty("exists").GetBoolean()); // written every 100 interactions
        Assert.Equal((10000, 1, 1), (root.GetProperty("counts").GetProperty("interactions").GetInt32(),
            root.GetProperty("counts").GetProperty("phones").GetInt32(), root.GetProperty("counts").GetProperty("rejections").GetInt32()));

        // Audited: type, keyed hash (no e-mail), caller, counts.
        Assert.Equal($"export|{Hash("customer", customer)}|{await CallerAsync()}|10000|1",
            await Db.TextAsync("SELECT request_type, LOWER(HEX(customer_hash)), requested_by, JSON_VALUE(counts, '$.interactions'), JSON_VALUE(counts, '$.rejections') " +
                               "FROM privacy_requests ORDER BY request_id DESC LIMIT 1"));
    }

    [Fact]
    public async Task Unknown_customers_are_404_problem_details_with_a_code()
    {
        foreach (var id in new[] { "nobody@example.com", "5511000000000", "x" })
        {
            var (status, body) = await SendAsync(Http, HttpMethod.Get, "/privacy/customers/" + id);
            Assert.Equal((404, "customer_not_found"), (status, body.GetProperty("code").GetString()));
        }
        var (deleteStatus, deleteBody) = await SendAsync(Http, HttpMethod.Delete, "/privacy/customers/5511000000000");
        Assert.Equal((404, "customer_not_found"), (deleteStatus, deleteBody.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Erasure_removes_everything_leaves_a_hashed_tombstone_and_refuses_old_redeliveries_but_not_new_contacts()
    {
        var customer = Interactions.NewCustomer();
        var phone = NewPhone();
        var old = new List<JsonObject>
        {
            Full(customer, "PHONE", Interactions.Utc(2024, 5, 1, 9), "o1", phone, "Carla Apagada"),
            Full(customer, "CHAT", Interactions.Utc(2024, 5, 2, 9), "o2"),
            Full(customer, "EMAIL", Interactions.Utc(2024, 5, 3, 9), "o3"),
        };
        var phoneOnly = new JsonObject { ["phone"] = phone, ["channel"] = "WHATSAPP", ["startedAt"] = "2024-05-04T09:00:00Z", ["id"] = "o4" };
        var (status, answer) = await PostAsync(Http, [.. old, phoneOnly, Record(customer, "FAX", Interactions.Utc(2024, 5, 5), "o5")]);
        Assert.Equal((200, 4, 1), (status, answer.Accepted, answer.RejectedCount));
        var rejectionsBefore = await Db.ScalarAsync<int>("SELECT COUNT(*) FROM ingest_rejections");

        var (eraseStatus, erased) = await SendAsync(Http, HttpMethod.Delete, "/privacy/customers/" + customer.ToUpperInvariant());
        Assert.Equal(200, eraseStatus);
        Assert.Equal((4, 1, 1, 1), (erased.GetProperty("interactions").GetInt32(), erased.GetProperty("customerRows").GetInt32(),
            erased.GetProperty("phones").GetInt32(), erased.GetProperty("rejections").GetInt32()));
        var erasedAt = erased.GetProperty("erasedAt").GetDateTime().ToUniversalTime();

        await AssertNothingHeldAsync(customer, phone);
        Assert.Equal(rejectionsBefore - 1, await Db.ScalarAsync<int>("SELECT COUNT(*) FROM ingest_rejections"));
        // The tombstones: the customer's and its phone's keyed hashes, nothing in clear.
        Assert.Equal(2, await Db.ScalarAsync<int>("SELECT COUNT(*) FROM customer_tombstones WHERE LOWER(HEX(subject_hash)) IN (@c, @p) AND erased_at = @at",
            ("@c", Hash("customer", customer)), ("@p", Hash("phone", phone)), ("@at", erasedAt)));
        Assert.Equal(0, await Db.ScalarAsync<int>("SELECT COUNT(*) FROM privacy_requests WHERE counts LIKE @e OR requested_by LIKE @e", ("@e", $"%{customer}%")));
        Assert.Equal($"erase|{Hash("customer", customer)}|{await CallerAsync()}|4",
            await Db.TextAsync("SELECT request_type, LOWER(HEX(customer_hash)), requested_by, JSON_VALUE(counts, '$.interactions') FROM privacy_requests ORDER BY request_id DESC LIMIT 1"));

        // Re-delivered old records (by e-mail or by the phone alone): refused, stored nowhere.
        (status, answer) = await PostAsync(Http, [.. old, phoneOnly]);
        Assert.Equal((200, 0, 0, 4), (status, answer.Accepted, answer.Duplicates, answer.RejectedCount));
        Assert.All(answer.Rejected, r => Assert.Equal("customer erased", r.Reason));
        Assert.Equal([0, 1, 2, 3], answer.Rejected.Select(r => r.Record));
        await AssertNothingHeldAsync(customer, phone);
        Assert.Equal(rejectionsBefore - 1, await Db.ScalarAsync<int>("SELECT COUNT(*) FROM ingest_rejections"));

        // E-mail-only chunks are checked by the customer's grain (its new activation read the tombstone): same answer.
        (status, answer) = await PostAsync(Http, [old[2], old[1]]);
        Assert.Equal((200, 0, 2), (status, answer.Accepted, answer.RejectedCount));
        Assert.Equal(["0:customer erased", "1:customer erased"], answer.Rejected.Select(r => $"{r.Record}:{r.Reason}"));
        await AssertNothingHeldAsync(customer, phone);

        // A contact that started after the erasure is a new customer's first.
        var fresh = Full(customer, "CHAT", erasedAt.AddSeconds(1), "n1");
        (status, answer) = await PostAsync(Http, [fresh, old[0]]);
        Assert.Equal((200, 1, 1), (status, answer.Accepted, answer.RejectedCount));
        Assert.Equal($"{customer}|1|0|1|1", await Db.TextAsync(
            "SELECT customer_id, total_contacts, phone_contacts, chat_contacts, version FROM customers WHERE customer_id = @c", ("@c", customer)));
        Assert.Equal("1|n1", await Db.TextAsync("SELECT customer_seq, source_id FROM interactions WHERE customer_id = @c", ("@c", customer)));
    }

    private async Task AssertNothingHeldAsync(string customer, string phone)
    {
        Assert.Equal("0|0|0|0|0", await Db.TextAsync(
            "SELECT (SELECT COUNT(*) FROM interactions WHERE customer_id = @c), (SELECT COUNT(*) FROM customers WHERE customer_id = @c), " +
            "(SELECT COUNT(*) FROM customer_phones WHERE customer_id = @c OR phone = @p), " +
            "(SELECT COUNT(*) FROM ingest_rejections WHERE raw_record LIKE @like), (SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString = @c)",
            ("@c", customer), ("@p", phone), ("@like", $"%{customer}%")));
    }

    [Fact]
    public async Task Erasing_an_active_customer_leaves_its_grain_answering_as_a_new_customer()
    {
        var customer = Interactions.NewCustomer();
        // 150 interactions: a snapshot has been written (every 100) and the grain is active with them.
        var (status, answer) = await PostAsync(Http, Enumerable.Range(0, 150).Select(i => Full(customer, "PHONE", Interactions.Utc(2024, 1, 1).AddHours(i), $"a{i}", null, "Ativo")));
        Assert.Equal((200, 150), (status, answer.Accepted));
        const string query = "query($id:String!){customer(id:$id){name totalContacts interactions(first:3){totalCount}}}";
        var before = await GraphQLCalls.QueryAsync(Http, query, new { id = customer });
        Assert.Equal(150, before.GetProperty("customer").GetProperty("totalContacts").GetInt32());
        Assert.Equal(1, await Db.ScalarAsync<int>("SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString = @c", ("@c", customer)));

        var (eraseStatus, erased) = await SendAsync(Http, HttpMethod.Delete, "/privacy/customers/" + customer);
        Assert.Equal((200, 150, 1, 1), (eraseStatus, erased.GetProperty("interactions").GetInt32(), erased.GetProperty("customerRows").GetInt32(),
            erased.GetProperty("snapshots").GetInt32()));

        var after = await GraphQLCalls.QueryAsync(Http, query, new { id = customer });
        Assert.Equal(JsonValueKind.Null, after.GetProperty("customer").ValueKind);
        var erasedAt = erased.GetProperty("erasedAt").GetDateTime().ToUniversalTime();
        (status, answer) = await PostAsync(Http, [Full(customer, "EMAIL", erasedAt.AddMilliseconds(1), "new1", null, "Novo")]);
        Assert.Equal((200, 1), (status, answer.Accepted));
        var renewed = await GraphQLCalls.QueryAsync(Http, query, new { id = customer });
        Assert.Equal("Novo|1|1", $"{renewed.GetProperty("customer").GetProperty("name").GetString()}|{renewed.GetProperty("customer").GetProperty("totalContacts").GetInt32()}|" +
                                 $"{renewed.GetProperty("customer").GetProperty("interactions").GetProperty("totalCount").GetInt32()}");
    }

    [Fact]
    public async Task The_audit_lists_requests_newest_first_in_keyset_pages()
    {
        var customers = Enumerable.Range(0, 3).Select(_ => Interactions.NewCustomer()).ToList();
        var (status, _) = await PostAsync(Http, customers.Select((c, i) => Full(c, "CHAT", Interactions.Utc(2024, 2, 1, i), "r" + i)));
        Assert.Equal(200, status);
        foreach (var c in customers)
            Assert.Equal(200, (await SendAsync(Http, HttpMethod.Get, "/privacy/customers/" + c)).Status);
        Assert.Equal(200, (await SendAsync(Http, HttpMethod.Delete, "/privacy/customers/" + customers[0])).Status);

        var (pageStatus, page) = await SendAsync(Http, HttpMethod.Get, "/privacy/requests?first=2");
        Assert.Equal(200, pageStatus);
        var nodes = page.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(
            [$"erase|{Hash("customer", customers[0])}|{await CallerAsync()}|1", $"export|{Hash("customer", customers[2])}|{await CallerAsync()}|1"],
            nodes.Select(n => $"{n.GetProperty("type").GetString()}|{n.GetProperty("customerHash").GetString()}|{n.GetProperty("requestedBy").GetString()}|" +
                              $"{n.GetProperty("counts").GetProperty("interactions").GetInt32()}"));
        Assert.True(page.GetProperty("hasNextPage").GetBoolean());
        var (_, next) = await SendAsync(Http, HttpMethod.Get, "/privacy/requests?first=2&after=" + page.GetProperty("endCursor").GetString());
        var nextNodes = next.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal([Hash("customer", customers[1]), Hash("customer", customers[0])], nextNodes.Select(n => n.GetProperty("customerHash").GetString()));
        Assert.True(nextNodes[0].GetProperty("requestId").GetInt64() < nodes[1].GetProperty("requestId").GetInt64());

        var (badStatus, bad) = await SendAsync(Http, HttpMethod.Get, "/privacy/requests?first=0");
        Assert.Equal((400, "invalid_argument"), (badStatus, bad.GetProperty("code").GetString()));
    }
}
