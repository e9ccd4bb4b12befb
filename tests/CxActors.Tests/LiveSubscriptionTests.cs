using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CxActors.Access;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MySqlConnector;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>
/// <c>subscription { contactAdded }</c> on a two-silo cluster: a real graphql-ws client (node) and an SSE client
/// subscribed on silo A see exactly the contacts committed through silo B that match their filters, nothing for
/// re-deliveries; credentials, limits and the slow-subscriber disconnect.
/// </summary>
public sealed class LiveSubscriptionTests
{
    private const string Selection = "interaction { id channel startedAt sourceId } customer { id }";

    private static readonly DateTime T0 = new(2024, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>(customer as sent, channel, minutes after T0, source id)</summary>
    private static readonly (string Customer, string Channel, int Minute, string Id)[] Contacts =
    [
        ("Ana@Example.com", "PHONE", 0, "a1"),
        ("ana@example.com", "WHATSAPP", 1, "a2"),
        ("bob@example.com", "CHAT", 2, "b1"),
        ("bob@example.com", "EMAIL", 3, "b2"),
        ("carol@example.com", "WHATSAPP", 4, "c1"),
    ];

    private static readonly Dictionary<string, string> Unthrottled = new() { ["Auth:RateLimits:Ingest:PermitsPerSecond"] = "0" };

    [Fact]
    public async Task Subscribers_on_one_silo_see_exactly_the_matching_contacts_committed_through_another()
    {
        await using var db = await TestDatabase.CreateAsync();
        var readKey = await SiloProcess.ProvisionKeyAsync(db.ConnectionString, [Scopes.Read]);
        await using var a = await SiloProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>(Unthrottled)
        {
            ["Live:MaxSubscriptionsPerConnection"] = "2",
            ["Live:SubscriberBufferMessages"] = "20",
        });
        await using var b = await SiloProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>(Unthrottled)
        {
            ["Live:MaxSubscriptionsPerSilo"] = "1",
        });
        var wsA = "ws" + a.Url["http".Length..] + "/graphql";

        // Credentials in connection_init; the third subscription is over the connection's limit of 2.
        await using var first = await LiveClient.StartAsync(new
        {
            url = wsA,
            connectionParams = new Dictionary<string, string> { ["Authorization"] = "Bearer " + readKey },
            subscriptions = new[]
            {
                new { id = "all", query = $"subscription {{ contactAdded {{ {Selection} }} }}" },
                new { id = "ana", query = $"subscription {{ contactAdded(customer: \"  ANA@example.com \") {{ {Selection} }} }}" },
                new { id = "over", query = $"subscription {{ contactAdded(channel: EMAIL) {{ {Selection} }} }}" },
            },
        });
        // Credentials on the upgrade request.
        await using var second = await LiveClient.StartAsync(new
        {
            url = wsA,
            headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + readKey },
            subscriptions = new[] { new { id = "whatsapp", query = $"subscription {{ contactAdded(channel: WHATSAPP) {{ {Selection} }} }}" } },
        });
        await first.WaitForAsync(l => l["connected"] is not null);
        await second.WaitForAsync(l => l["connected"] is not null);
        var over = await first.WaitForAsync(l => (string?)l["sub"] == "over" && l["error"] is not null);
        Assert.Equal("LIVE_SUBSCRIPTION_LIMIT", (string?)over["error"]![0]!["extensions"]!["code"]);

        using var sseClient = a.CreateClient(authenticated: false, timeout: Timeout.InfiniteTimeSpan);
        using var sse = await OpenSseAsync(sseClient, readKey, $"subscription {{ contactAdded(customer: \"bob@example.com\", channel: CHAT) {{ {Selection} }} }}");
        Assert.Equal(HttpStatusCode.OK, sse.StatusCode);
        Assert.Equal("text/event-stream", sse.Content.Headers.ContentType!.MediaType);
        var sseEvents = ReadSseAsync(await sse.Content.ReadAsStreamAsync());

        // The subscriptions are registered once their subscribe messages are handled; B learned of A's listener at start.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var records = Contacts.Select(c => Record(c.Customer, c.Channel, T0.AddMinutes(c.Minute), c.Id)).ToArray();
        var (status, answer) = await PostAsync(b.Http, records);
        Assert.Equal(200, status);
        Assert.Equal(5, answer.Accepted);

        // Re-deliveries through both silos store nothing and so send nothing; then one more new contact through B.
        foreach (var silo in new[] { a, b })
        {
            var (again, redelivered) = await PostAsync(silo.Http, records);
            Assert.Equal(200, again);
            Assert.Equal((0, 5), (redelivered.Accepted, redelivered.Duplicates));
        }
        var marker = ("dave@example.com", "EMAIL", 5, "d1");
        Assert.Equal(200, (await PostAsync(b.Http, [Record(marker.Item1, marker.Item2, T0.AddMinutes(marker.Item3), marker.Item4)])).Status);

        var all = Contacts.Append(marker).ToArray();
        await first.WaitForAsync(l => (string?)l["sub"] == "all" && (string?)l["next"]?["data"]?["contactAdded"]?["interaction"]?["sourceId"] == "d1");
        await first.SeenAsync(TimeSpan.FromSeconds(1));
        AssertEvents(all, first.Nexts("all"));
        AssertEvents(all.Where(c => c.Item1.Equals("ana@example.com", StringComparison.OrdinalIgnoreCase)), first.Nexts("ana"));
        await second.WaitForAsync(l => (string?)l["next"]?["data"]?["contactAdded"]?["interaction"]?["sourceId"] == "c1");
        AssertEvents(all.Where(c => c.Item2 == "WHATSAPP"), (await second.SeenAsync(TimeSpan.FromSeconds(1))).Where(l => l["next"] is not null).Select(l => l["next"]!).ToList());
        var sseFirst = await sseEvents.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("next", sseFirst.Event);
        AssertEvents(all.Where(c => c.Item1 == "bob@example.com" && c.Item2 == "CHAT"), [JsonNode.Parse(sseFirst.Data)!]);

        // Silo B holds one subscription at most: the second SSE request there gets the limit error and the stream ends.
        using var bClient = b.CreateClient(authenticated: false, timeout: Timeout.InfiniteTimeSpan);
        using var heldOnB = await OpenSseAsync(bClient, readKey, $"subscription {{ contactAdded {{ {Selection} }} }}");
        Assert.Equal(HttpStatusCode.OK, heldOnB.StatusCode);
        await Task.Delay(500);
        using var refused = await OpenSseAsync(bClient, readKey, $"subscription {{ contactAdded {{ {Selection} }} }}");
        var refusedBody = await refused.Content.ReadAsStringAsync();
        Assert.Contains("event: next\ndata: {\"errors\":[{", refusedBody, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"LIVE_SUBSCRIPTION_LIMIT\"", refusedBody, StringComparison.Ordinal);
        Assert.EndsWith("event: complete\ndata: \n\n", refusedBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_without_the_read_scope_are_refused_and_a_slow_subscriber_is_disconnected_with_its_reason()
    {
        await using var db = await TestDatabase.CreateAsync();
        var readKey = await SiloProcess.ProvisionKeyAsync(db.ConnectionString, [Scopes.Read]);
        var ingestKey = await SiloProcess.ProvisionKeyAsync(db.ConnectionString, [Scopes.Ingest]);
        await using var a = await SiloProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>(Unthrottled)
        {
            ["Live:SubscriberBufferMessages"] = "20",
        });
        var ws = "ws" + a.Url["http".Length..] + "/graphql";
        var query = $"subscription {{ contactAdded {{ {Selection} }} }}";

        await using (var anonymous = await LiveClient.StartAsync(new { url = ws, subscriptions = new[] { new { id = "s", query } } }))
        {
            var closed = await anonymous.WaitForAsync(l => l["closed"] is not null);
            Assert.Equal((4401, "Unauthorized"), ((int)closed["closed"]!, (string?)closed["reason"]));
        }
        await using (var wrongScope = await LiveClient.StartAsync(new
        {
            url = ws,
            connectionParams = new Dictionary<string, string> { ["Authorization"] = "Bearer " + ingestKey },
            subscriptions = new[] { new { id = "s", query } },
        }))
        {
            var closed = await wrongScope.WaitForAsync(l => l["closed"] is not null);
            Assert.Equal(4403, (int)closed["closed"]!);
        }
        using var http = a.CreateClient(authenticated: false);
        using (var noKey = await OpenSseAsync(http, null, query))
            Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        using (var ingestOnly = await OpenSseAsync(http, ingestKey, query))
            Assert.Equal(HttpStatusCode.Forbidden, ingestOnly.StatusCode);

        // A subscriber that stops reading (its socket paused) while 1,000 contacts of ~15 KB each are committed: 15 MB,
        // well past what the kernel's socket buffers hold (4 MB to send here), so its messages pile up on the server past
        // the 20 allowed and it is disconnected. It resumes once the silo counts the disconnect (the test waits for the
        // event itself, not a guessed time), well within the close frame's grace, so it reads its backlog and then the reason.
        var padded = "subscription { contactAdded { " + string.Join(' ', Enumerable.Range(0, 200).Select(i => $"f{i}: interaction {{ id startedAt }}")) + " } }";
        await using var slow = await LiveClient.StartAsync(new
        {
            url = ws,
            pause = true,
            brief = true,
            connectionParams = new Dictionary<string, string> { ["Authorization"] = "Bearer " + readKey },
            subscriptions = new[] { new { id = "slow", query = padded } },
        });
        await slow.WaitForAsync(l => l["connected"] is not null);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(0, await TooSlowDisconnectsAsync(a));
        Assert.Equal(1, await MetricAsync(a, "cx_live_subscriptions"));
        const int burstSize = 1_000;
        var burst = Enumerable.Range(0, burstSize).Select(i => Record($"burst{i % 7}@example.com", "CHAT", T0.AddSeconds(i), $"burst-{i}")).ToArray();
        var (status, answer) = await PostAsync(a.Http, burst);
        Assert.Equal((200, burstSize), (status, answer.Accepted));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await TooSlowDisconnectsAsync(a) == 0)
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "The silo did not disconnect the paused subscriber within 60 s of the burst.");
            await Task.Delay(250);
        }
        Assert.Equal(1, await TooSlowDisconnectsAsync(a));
        await slow.SendAsync("resume");
        var closedSlow = await slow.WaitForAsync(l => l["closed"] is not null, TimeSpan.FromSeconds(60));
        Assert.Equal(1008, (int)closedSlow["closed"]!);
        Assert.Equal("Subscriber too slow: more than 20 messages waiting", (string?)closedSlow["reason"]);
        Assert.Equal(0, await MetricAsync(a, "cx_live_subscriptions"));
        Assert.Equal(0, await MetricAsync(a, "cx_live_dropped_total"));
        Assert.InRange(slow.Nexts("slow").Count, 0, burstSize - 1);
    }

    [Fact]
    public async Task Live_connections_end_when_their_token_expires_or_their_key_is_revoked()
    {
        await using var db = await TestDatabase.CreateAsync();
        var keptKey = await SiloProcess.ProvisionKeyAsync(db.ConnectionString, [Scopes.Read], name: "live-kept");
        var revokedKey = await SiloProcess.ProvisionKeyAsync(db.ConnectionString, [Scopes.Read], name: "live-revoked");
        using var signer = RSA.Create(2048);
        await using var a = await SiloProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>
        {
            ["Auth:Jwt:SigningKeys"] = signer.ExportSubjectPublicKeyInfoPem(),
            ["Auth:Jwt:Issuer"] = "https://issuer.test",
            ["Auth:Jwt:Audience"] = "cx-api",
            ["Auth:Jwt:ClockSkew"] = "00:00:00",
            ["Auth:KeyRefreshInterval"] = "00:00:01",
            ["Live:CredentialRecheck"] = "00:00:01",
        });
        var ws = "ws" + a.Url["http".Length..] + "/graphql";
        var query = $"subscription {{ contactAdded {{ {Selection} }} }}";

        // A token that expires in 15 s (exp is in whole seconds), minted as AccessTests mints them; no clock skew allowed.
        var expires = DateTime.UnixEpoch.AddSeconds(Math.Floor((DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds) + 15);
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://issuer.test",
            Audience = "cx-api",
            IssuedAt = expires.AddMinutes(-20),
            NotBefore = expires.AddMinutes(-20),
            Expires = expires,
            Claims = new Dictionary<string, object> { ["sub"] = "live-service", ["scope"] = "read" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer), SecurityAlgorithms.RsaSha256),
        });
        Task<LiveClient> Client(string credential) => LiveClient.StartAsync(new
        {
            url = ws,
            connectionParams = new Dictionary<string, string> { ["Authorization"] = "Bearer " + credential },
            subscriptions = new[] { new { id = "s", query } },
        });
        await using var byToken = await Client(token);
        await using var byRevoked = await Client(revokedKey);
        await using var byKept = await Client(keptKey);
        using var sseClient = a.CreateClient(authenticated: false, timeout: Timeout.InfiniteTimeSpan);
        using var sse = await OpenSseAsync(sseClient, token, query);
        Assert.Equal(HttpStatusCode.OK, sse.StatusCode);
        var sseBody = new StreamReader(await sse.Content.ReadAsStreamAsync()).ReadToEndAsync();
        foreach (var client in new[] { byToken, byRevoked, byKept })
            await client.WaitForAsync(l => l["connected"] is not null);

        // Revoked: the silo reloads its keys every second and each connection checks its key every second.
        await using (var connection = new MySqlConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            Assert.Equal(ApiKeyStore.RevokeOutcome.Revoked, await ApiKeyStore.RevokeAsync(connection, "live-revoked"));
        }
        var revokedAt = Stopwatch.StartNew();
        var revoked = await byRevoked.WaitForAsync(l => l["closed"] is not null, TimeSpan.FromSeconds(30));
        Assert.Equal((4401, "Unauthorized: API key revoked"), ((int)revoked["closed"]!, (string?)revoked["reason"]));
        Assert.True(revokedAt.Elapsed < TimeSpan.FromSeconds(10), $"closed {revokedAt.Elapsed} after the revocation");
        Assert.Equal(1, await MetricAsync(a, "cx_live_disconnects_total", "key_revoked"));

        // The token's connections live until its expiry, not a moment less.
        var beforeExpiry = expires - DateTime.UtcNow - TimeSpan.FromMilliseconds(500);
        Assert.True(beforeExpiry > TimeSpan.Zero, "the test reached the token's expiry before it could check the connection was open");
        Assert.DoesNotContain(await byToken.SeenAsync(beforeExpiry), l => l["closed"] is not null);
        Assert.False(sseBody.IsCompleted);
        var expired = await byToken.WaitForAsync(l => l["closed"] is not null, TimeSpan.FromSeconds(30));
        Assert.Equal((4401, "Unauthorized: token expired"), ((int)expired["closed"]!, (string?)expired["reason"]));
        Assert.True(DateTime.UtcNow >= expires);
        Assert.True(DateTime.UtcNow - expires < TimeSpan.FromSeconds(10), $"closed {DateTime.UtcNow - expires} after the expiry");

        // SSE: a last next with the error and its code, then complete, and the response ends.
        var events = SseEvents(await sseBody.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["next", "complete"], events.Select(e => e.Event));
        var error = JsonNode.Parse(events[0].Data)!["errors"]!.AsArray().Single()!;
        Assert.Equal("LIVE_CREDENTIAL_EXPIRED", (string?)error["extensions"]!["code"]);
        Assert.Equal("The token that opened this stream expired; open a new one with a fresh token.", (string?)error["message"]);
        Assert.Equal(2, await MetricAsync(a, "cx_live_disconnects_total", "token_expired"));

        // The live key's connection was checked every second all along and is still open.
        Assert.DoesNotContain(await byKept.SeenAsync(TimeSpan.FromSeconds(1)), l => l["closed"] is not null);
        Assert.Equal(1, await MetricAsync(a, "cx_live_subscriptions"));
    }

    [Fact]
    public async Task A_stream_opened_in_a_browser_session_ends_when_that_session_expires_and_not_before()
    {
        await using var db = await TestDatabase.CreateAsync();
        var readKey = await SiloProcess.ProvisionKeyAsync(db.ConnectionString, [Scopes.Read]);
        var lifetime = TimeSpan.FromSeconds(6);
        await using var a = await SiloProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>(Unthrottled)
        {
            ["Auth:Cookie:Lifetime"] = "00:00:06",
        });
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(a.Url),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        // The session's expiry is set by the silo after this clock starts: the stream may not end sooner than a lifetime from here.
        var clock = Stopwatch.StartNew();
        using (var signIn = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = readKey, ["returnUrl"] = "/graphql" })))
            Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        using var sse = await OpenSseAsync(browser, null, $"subscription {{ contactAdded {{ {Selection} }} }}");
        Assert.Equal(HttpStatusCode.OK, sse.StatusCode);

        var body = await new StreamReader(await sse.Content.ReadAsStreamAsync()).ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        // The cookie keeps its expiry in whole seconds (AuthenticationProperties store dates as RFC 1123 text): the session,
        // and so the stream, ends at most a second short of its lifetime, never sooner.
        Assert.True(clock.Elapsed >= lifetime - TimeSpan.FromSeconds(1), $"the stream ended {clock.Elapsed} after signing in, before the session's {lifetime}");
        var events = SseEvents(body);
        Assert.Equal(["next", "complete"], events.Select(e => e.Event));
        var error = JsonNode.Parse(events[0].Data)!["errors"]!.AsArray().Single()!;
        Assert.Equal("LIVE_CREDENTIAL_EXPIRED", (string?)error["extensions"]!["code"]);
        Assert.Equal("The browser session that opened this stream expired; sign in again.", (string?)error["message"]);
        Assert.Equal(1, await MetricAsync(a, "cx_live_disconnects_total", "session_expired"));
        // The session itself is over too: a new stream with the same cookie is refused.
        using var again = await OpenSseAsync(browser, null, $"subscription {{ contactAdded {{ {Selection} }} }}");
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task A_silent_sse_stream_gets_a_keep_alive_comment_after_each_period_of_silence()
    {
        await using var db = await TestDatabase.CreateAsync();
        var readKey = await SiloProcess.ProvisionKeyAsync(db.ConnectionString, [Scopes.Read]);
        await using var a = await SiloProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>(Unthrottled)
        {
            ["Live:KeepAlive"] = "00:00:01",
        });
        using var sseClient = a.CreateClient(authenticated: false, timeout: Timeout.InfiniteTimeSpan);
        // Only lower bounds hold on a busy machine: the silo cannot write its k-th comment before k full periods after
        // the request was sent, nor the comment after an event before a period after the post that caused the event.
        // (When this client reads a block says nothing about when it was written: a stalled reader sees two at once.)
        var period = TimeSpan.FromSeconds(1);
        var timerSlack = TimeSpan.FromMilliseconds(20);
        var clock = Stopwatch.StartNew();
        using var sse = await OpenSseAsync(sseClient, readKey, $"subscription {{ contactAdded {{ {Selection} }} }}");
        Assert.Equal(HttpStatusCode.OK, sse.StatusCode);
        using var reader = new StreamReader(await sse.Content.ReadAsStreamAsync());

        // Nothing happens: a comment after each second of silence, and nothing else (blocks are what precedes a blank line).
        for (var k = 1; k <= 3; k++)
        {
            Assert.Equal(": keep-alive", await ReadBlockAsync(reader));
            Assert.True(clock.Elapsed >= k * period - timerSlack, $"keep-alive {k} read {clock.Elapsed} after the request");
        }

        // An event in between: the stream carries it as usual (after any comment already due), then falls silent again,
        // and the silence is counted from the event: no comment within a period of it.
        var posted = clock.Elapsed;
        Assert.Equal(200, (await PostAsync(a.Http, [Record("erin@example.com", "CHAT", T0, "e1")])).Status);
        string block;
        while ((block = await ReadBlockAsync(reader)) == ": keep-alive")
        {
        }
        Assert.StartsWith("event: next\ndata: ", block, StringComparison.Ordinal);
        AssertEvents([("erin@example.com", "CHAT", 0, "e1")], [JsonNode.Parse(block["event: next\ndata: ".Length..])!]);
        Assert.Equal(": keep-alive", await ReadBlockAsync(reader));
        Assert.True(clock.Elapsed - posted >= period - timerSlack, $"a keep-alive {clock.Elapsed - posted} after the post of the event");
    }

    [Fact]
    public async Task A_silo_without_subscriptions_receives_no_batches_and_its_first_subscriber_misses_nothing()
    {
        await using var db = await TestDatabase.CreateAsync();
        var readKey = await SiloProcess.ProvisionKeyAsync(db.ConnectionString, [Scopes.Read]);
        await using var a = await SiloProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>(Unthrottled));
        await using var b = await SiloProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>(Unthrottled));
        var idle = 0;
        // Contacts of several customers through both silos, so that both silos' log writers commit some (grains land
        // on either) and their publishers have just read the directory: a stale list would now miss a new subscriber.
        async Task IngestIdleAsync()
        {
            foreach (var silo in new[] { a, b })
            {
                var records = Enumerable.Range(0, 4).Select(_ => idle++).Select(i => Record($"idle{i}@example.com", "CHAT", T0.AddMinutes(i), $"idle-{i}")).ToArray();
                Assert.Equal(200, (await PostAsync(silo.Http, records)).Status);
            }
        }

        // Nobody subscribes anywhere: contacts are committed, no silo receives a batch.
        await IngestIdleAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        await IngestIdleAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal((0, 0), (await MetricAsync(a, "cx_live_batches_total"), await MetricAsync(b, "cx_live_batches_total")));

        using var sseClient = a.CreateClient(authenticated: false, timeout: Timeout.InfiniteTimeSpan);
        for (var round = 0; round < 2; round++)
        {
            // A first subscription on A, then at once a contact through B. Over SSE the stream is open once its headers
            // come; over a WebSocket once the pong to a ping sent after the subscribe comes (messages are handled in order).
            await IngestIdleAsync();
            var customer = $"first{round}@example.com";
            var query = $"subscription {{ contactAdded(customer: \"{customer}\") {{ {Selection} }} }}";
            var record = Record(customer, "EMAIL", T0.AddHours(1 + round), $"first-{round}");
            JsonNode delivered;
            if (round == 0)
            {
                using var sse = await OpenSseAsync(sseClient, readKey, query);
                Assert.Equal(HttpStatusCode.OK, sse.StatusCode);
                using var reader = new StreamReader(await sse.Content.ReadAsStreamAsync());
                Assert.Equal(200, (await PostAsync(b.Http, [record])).Status);
                var block = await ReadBlockAsync(reader);
                Assert.StartsWith("event: next\ndata: ", block, StringComparison.Ordinal);
                delivered = JsonNode.Parse(block["event: next\ndata: ".Length..])!;
            }
            else
            {
                using var socket = new ClientWebSocket();
                socket.Options.AddSubProtocol("graphql-transport-ws");
                await socket.ConnectAsync(new Uri("ws" + a.Url["http".Length..] + "/graphql"), CancellationToken.None);
                await SendAsync(socket, new JsonObject { ["type"] = "connection_init", ["payload"] = new JsonObject { ["Authorization"] = "Bearer " + readKey } });
                Assert.Equal("connection_ack", (string?)(await ReceiveAsync(socket))["type"]);
                await SendAsync(socket, new JsonObject { ["type"] = "subscribe", ["id"] = "1", ["payload"] = new JsonObject { ["query"] = query } });
                await SendAsync(socket, new JsonObject { ["type"] = "ping" });
                Assert.Equal("pong", (string?)(await ReceiveAsync(socket))["type"]);
                Assert.Equal(200, (await PostAsync(b.Http, [record])).Status);
                var next = await ReceiveAsync(socket);
                Assert.Equal(("next", "1"), ((string?)next["type"], (string?)next["id"]));
                delivered = next["payload"]!;
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            AssertEvents([(customer, "EMAIL", 60 * (1 + round), $"first-{round}")], [delivered]);
            Assert.True(await MetricAsync(a, "cx_live_batches_total") >= round + 1);
            // B holds no subscription all along.
            Assert.Equal(0, await MetricAsync(b, "cx_live_batches_total"));

            // The subscription is closed: once A has said so (its next renewal) and the publishers have read it, A receives nothing.
            var waited = Stopwatch.StartNew();
            while (await MetricAsync(a, "cx_live_subscriptions") != 0)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "silo A still holds the closed SSE subscription");
                await Task.Delay(200);
            }
            await Task.Delay(TimeSpan.FromSeconds(3));
            var settled = await MetricAsync(a, "cx_live_batches_total");
            await IngestIdleAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal((settled, 0), (await MetricAsync(a, "cx_live_batches_total"), await MetricAsync(b, "cx_live_batches_total")));
        }
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The socket's next message as JSON; fails after 10 s.</summary>
    private static async Task<JsonNode> ReceiveAsync(ClientWebSocket socket)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var length = 0;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(length), deadline.Token);
                Assert.Equal(WebSocketMessageType.Text, received.MessageType);
                length += received.Count;
                if (received.EndOfMessage)
                    return JsonNode.Parse(buffer.AsSpan(0, length))!;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new Xunit.Sdk.XunitException("No WebSocket message within 10 s");
        }
    }

    /// <summary>The lines of the stream's next block (up to a blank line), joined by \n; fails after 10 s.</summary>
    private static async Task<string> ReadBlockAsync(StreamReader reader)
    {
        var lines = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await reader.ReadLineAsync(deadline.Token) is { } line)
            {
                if (line.Length == 0)
                    return string.Join('\n', lines);
                lines.Add(line);
            }
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            throw new Xunit.Sdk.XunitException($"No SSE block within 10 s; read so far: [{string.Join("\\n", lines)}]");
        }
        throw new InvalidOperationException("The stream ended within a block.");
    }

    /// <summary>A whole SSE body's events (comment lines skipped).</summary>
    private static List<(string Event, string Data)> SseEvents(string body)
    {
        var events = new List<(string, string)>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n').Where(l => !l.StartsWith(':')).ToList();
            if (lines.Count == 0)
                continue;
            var name = lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
            var data = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
            events.Add((name, data));
        }
        return events;
    }

    private static void AssertEvents(IEnumerable<(string Customer, string Channel, int Minute, string Id)> expected, List<JsonNode> nexts)
    {
        var want = expected.Select(c =>
        {
            var customer = CustomerIds.Normalize(c.Customer);
            var channel = Enum.Parse<Channel>(c.Channel, ignoreCase: true);
            var startedAt = T0.AddMinutes(c.Minute);
            return $"{InteractionIdentity.Compute(customer, channel, startedAt, c.Id)}|{c.Channel}|{startedAt:O}|{c.Id}|{customer}";
        }).Order(StringComparer.Ordinal).ToList();
        var got = nexts.Select(n =>
        {
            Assert.Null(n["errors"]);
            var e = n["data"]!["contactAdded"]!;
            var i = e["interaction"]!;
            var startedAt = DateTime.Parse((string)i["startedAt"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
            return $"{(string?)i["id"]}|{(string?)i["channel"]}|{startedAt:O}|{(string?)i["sourceId"]}|{(string?)e["customer"]!["id"]}";
        }).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(want, got);
    }

    /// <summary>The silo's <c>cx_live_disconnects_total{reason="too_slow"}</c> (0 before the first).</summary>
    private static Task<int> TooSlowDisconnectsAsync(SiloProcess silo) => MetricAsync(silo, "cx_live_disconnects_total", "too_slow");

    /// <summary>The value of the first sample of <paramref name="name"/> in the silo's /metrics carrying <paramref name="label"/>; 0 when none.</summary>
    private static async Task<int> MetricAsync(SiloProcess silo, string name, string? reason = null) =>
        (int)(await MetricsScrape.ReadAsync(silo.Http)).Sum(name, reason is null ? null : new Dictionary<string, string> { ["reason"] = reason });

    private static async Task<HttpResponseMessage> OpenSseAsync(HttpClient http, string? key, string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(new JsonObject { ["query"] = query }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    /// <summary>The first SSE event of the stream (event name and data).</summary>
    private static async Task<(string Event, string Data)> ReadSseAsync(Stream stream)
    {
        using var reader = new StreamReader(stream);
        string? name = null, data = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                data = line["data: ".Length..];
            else if (line.Length == 0 && name is not null)
                return (name, data ?? "");
        }
        throw new InvalidOperationException("The stream ended without an event.");
    }
}
