using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CxActors.Access;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MySqlConnector;

namespace CxActors.Tests;

/// <summary>
/// One silo with API keys of each scope, a revoked key, and JWT bearer configured offline with a key pair made here.
/// </summary>
public sealed class AccessFixture : IAsyncLifetime
{
    public const string Issuer = "https://issuer.test";
    public const string Audience = "cx-api";

    public TestDatabase Database { get; private set; } = null!;
    public SiloProcess Silo { get; private set; } = null!;
    public RSA Signer { get; } = RSA.Create(2048);
    public RSA Stranger { get; } = RSA.Create(2048);
    public Dictionary<string, string> Keys { get; } = [];
    public string Revoked { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        foreach (var scope in Scopes.All)
            Keys[scope] = await SiloProcess.ProvisionKeyAsync(Database.ConnectionString, [scope], name: $"only-{scope}");
        Keys["read admin"] = await SiloProcess.ProvisionKeyAsync(Database.ConnectionString, [Scopes.Read, Scopes.Admin], name: "read-admin");
        Revoked = await SiloProcess.ProvisionKeyAsync(Database.ConnectionString, name: "gone");
        await RevokeAsync("gone");
        Silo = await SiloProcess.StartAsync(Database.ConnectionString, new Dictionary<string, string>
        {
            ["Auth:Jwt:SigningKeys"] = Signer.ExportSubjectPublicKeyInfoPem(),
            ["Auth:Jwt:Issuer"] = Issuer,
            ["Auth:Jwt:Audience"] = Audience,
        });
    }

    public async Task RevokeAsync(string name)
    {
        await using var connection = new MySqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        Assert.Equal(ApiKeyStore.RevokeOutcome.Revoked, await ApiKeyStore.RevokeAsync(connection, name));
    }

    public string Token(string scope = "read ingest", DateTime? expires = null, string audience = Audience, RSA? signer = null)
    {
        var exp = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = exp.AddMinutes(-20),
            NotBefore = exp.AddMinutes(-20),
            Expires = exp,
            Claims = new Dictionary<string, object> { ["sub"] = "service-1", ["scope"] = scope },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(signer ?? Signer), SecurityAlgorithms.RsaSha256),
        });
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
        Signer.Dispose();
        Stranger.Dispose();
    }
}

/// <summary>Authentication, scopes, revocation, sessions and rate limits against real silo processes.</summary>
public sealed class AccessTests(AccessFixture fixture) : IClassFixture<AccessFixture>
{
    private const string Query = """{"query":"{ __typename }"}""";

    public static readonly string[] Endpoints =
    [
        "POST /ingest/interactions", "POST /ingest/email", "POST /graphql", "GET /graphql?query", "GET /graphql page",
        "GET /graphql/assets/cx-graphiql.js", "GET /health", "GET /health/live", "GET /health/ready", "GET /signin",
        "GET /", "GET /dashboard", "GET /dashboard/assets/cx-dashboard.js", "GET /orleans/", "GET /orleans/DashboardCounters",
    ];

    public static readonly string[] Credentials =
    [
        "none", "malformed", "basic", "unknown", "revoked", "ingest", "read", "admin", "metrics", "x-api-key read",
        "jwt", "jwt read-only", "jwt expired", "jwt wrong audience", "jwt wrong signature",
    ];

    public static IEnumerable<object[]> Matrix() =>
        from e in Endpoints from c in Credentials select new object[] { e, c };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_endpoint_answers_every_credential_with_the_exact_status(string endpoint, string credential)
    {
        using var http = fixture.Silo.CreateClient(authenticated: false);
        using var request = Request(endpoint);
        var secret = Apply(request, credential);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        var expected = Expected(endpoint, credential);
        Assert.True((int)response.StatusCode == expected, $"{endpoint} with {credential}: {(int)response.StatusCode} (expected {expected}) {body}");
        if (secret is not null)
            Assert.DoesNotContain(secret, body);
        if (expected == 401)
        {
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("UNAUTHENTICATED", JsonNode.Parse(body)!["code"]!.GetValue<string>());
        }
        else if (expected == 403)
        {
            Assert.Equal("FORBIDDEN", JsonNode.Parse(body)!["code"]!.GetValue<string>());
        }
    }

    public static IEnumerable<object[]> PhoneConflictCredentials() => Credentials.Append("read admin").Select(c => new object[] { c });

    /// <summary>
    /// phoneConflicts needs admin beside the endpoint's read: 401/403 from the endpoint as for any query, then a
    /// FORBIDDEN error for a credential with read but not admin (JWTs here carry "read ingest" or "read").
    /// </summary>
    [Theory]
    [MemberData(nameof(PhoneConflictCredentials))]
    public async Task PhoneConflicts_answers_every_credential_exactly(string credential)
    {
        using var http = fixture.Silo.CreateClient(authenticated: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ phoneConflicts { totalCount } }"}""", Encoding.UTF8, "application/json"),
        };
        Apply(request, credential);
        using var response = await http.SendAsync(request);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var expected = Expected("POST /graphql", credential);
        var answer = expected != 200 ? $"{(int)response.StatusCode}|{body["code"]}"
            : $"{(int)response.StatusCode}|{body["errors"]?[0]?["extensions"]?["code"]}|{body["data"]?["phoneConflicts"]?["totalCount"]}";
        var wanted = expected switch
        {
            401 => "401|UNAUTHENTICATED",
            403 => "403|FORBIDDEN",
            _ => credential == "read admin" ? "200||0" : "200|FORBIDDEN|",
        };
        Assert.Equal(wanted, answer);
    }

    private static int Expected(string endpoint, string credential)
    {
        var scope = endpoint.Contains("/ingest/", StringComparison.Ordinal) ? Scopes.Ingest
            : endpoint is "POST /graphql" or "GET /graphql?query" ? Scopes.Read
            : endpoint.StartsWith("GET /orleans", StringComparison.Ordinal) ? Scopes.Admin
            : null;
        if (scope is null)
            return 200; // anonymous: health probes, sign-in, the landing page, the GraphiQL and dashboard pages and their assets, whatever is sent
        return credential switch
        {
            "ingest" or "read" or "admin" or "metrics" => credential == scope ? 200 : 403,
            "read admin" => scope == Scopes.Read ? 200 : 403,
            "x-api-key read" or "jwt read-only" => scope == Scopes.Read ? 200 : 403,
            "jwt" => scope is Scopes.Ingest or Scopes.Read ? 200 : 403, // the token carries "read ingest"
            _ => 401,
        };
    }

    private static HttpRequestMessage Request(string endpoint) => endpoint switch
    {
        "POST /ingest/interactions" => new(HttpMethod.Post, "/ingest/interactions") { Content = new StringContent("[]", Encoding.UTF8, "application/json") },
        "POST /ingest/email" => new(HttpMethod.Post, "/ingest/email") { Content = new StringContent("Email do cliente,Data/Hora de abertura\n", Encoding.UTF8, "text/csv") },
        "POST /graphql" => new(HttpMethod.Post, "/graphql") { Content = new StringContent(Query, Encoding.UTF8, "application/json") },
        "GET /graphql?query" => new(HttpMethod.Get, "/graphql?query=%7B__typename%7D"),
        "GET /graphql page" => new(HttpMethod.Get, "/graphql") { Headers = { Accept = { MediaTypeWithQualityHeaderValue.Parse("text/html") } } },
        _ => new(HttpMethod.Get, endpoint["GET ".Length..]),
    };

    /// <summary>Puts the credential on the request; returns the secret it carries (never to be echoed).</summary>
    private string? Apply(HttpRequestMessage request, string credential)
    {
        string? Bearer(string token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return token;
        }
        return credential switch
        {
            "none" => null,
            "malformed" => Bearer("cxk_short"),
            "basic" => (request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz")).Parameter,
            "unknown" => Bearer(ApiKeys.Generate()),
            "revoked" => Bearer(fixture.Revoked),
            "ingest" or "read" or "admin" or "metrics" or "read admin" => Bearer(fixture.Keys[credential]),
            "x-api-key read" => request.Headers.TryAddWithoutValidation("X-Api-Key", fixture.Keys[Scopes.Read]) ? fixture.Keys[Scopes.Read] : null,
            "jwt" => Bearer(fixture.Token()),
            "jwt read-only" => Bearer(fixture.Token("read")),
            "jwt expired" => Bearer(fixture.Token(expires: DateTime.UtcNow.AddHours(-1))),
            "jwt wrong audience" => Bearer(fixture.Token(audience: "someone-else")),
            "jwt wrong signature" => Bearer(fixture.Token(signer: fixture.Stranger)),
            _ => throw new ArgumentOutOfRangeException(nameof(credential)),
        };
    }

    [Fact]
    public async Task A_revoked_key_is_refused_within_10_seconds()
    {
        var name = "soon-gone-" + Guid.NewGuid().ToString("N")[..6];
        var key = await SiloProcess.ProvisionKeyAsync(fixture.Database.ConnectionString, [Scopes.Read], name: name);
        using var http = fixture.Silo.CreateClient(authenticated: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // A new key is known within one refresh (5 s) as well.
        Assert.True(await PollAsync(http, HttpStatusCode.OK, TimeSpan.FromSeconds(10)), "a new key was not accepted within 10 s");
        await fixture.RevokeAsync(name);
        var clock = Stopwatch.StartNew();
        Assert.True(await PollAsync(http, HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(10)), "a revoked key still worked after 10 s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refused after {clock.Elapsed}");
    }

    private static async Task<bool> PollAsync(HttpClient http, HttpStatusCode wanted, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await http.PostAsync("/graphql", new StringContent(Query, Encoding.UTF8, "application/json"));
            if (response.StatusCode == wanted)
                return true;
            await Task.Delay(200);
        }
        return false;
    }

    [Fact]
    public async Task Signing_in_with_a_good_key_opens_a_session_for_GraphQL_reads_only()
    {
        var all = await SiloProcess.ProvisionKeyAsync(fixture.Database.ConnectionString, name: "browser-" + Guid.NewGuid().ToString("N")[..6]);
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(fixture.Silo.Url) };
        await WaitKnownAsync(all);

        using (var page = await http.GetAsync("/signin"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("<form method=\"post\" action=\"/signin\">", await page.Content.ReadAsStringAsync());
        }
        using (var bad = await http.PostAsync("/signin", Form(ApiKeys.Generate(), "/graphql")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
            Assert.Equal("text/html", bad.Content.Headers.ContentType?.MediaType);
            Assert.Empty(cookies.GetCookies(new Uri(fixture.Silo.Url)));
        }
        using (var good = await http.PostAsync("/signin", Form(all, "/graphql?run=1")))
        {
            Assert.Equal(HttpStatusCode.SeeOther, good.StatusCode);
            Assert.Equal("/graphql?run=1", good.Headers.Location?.OriginalString);
            var cookie = Assert.Single(good.Headers.GetValues("Set-Cookie"));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(all, cookie);
        }
        using (var read = await http.PostAsync("/graphql", new StringContent(Query, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        // The session is for reading: the key's ingest scope needs the key itself.
        using (var write = await http.PostAsync("/ingest/interactions", new StringContent("[]", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        // An open redirect is not offered.
        using (var away = await http.PostAsync("/signin", Form(all, "//evil.example/")))
            Assert.Equal("/graphql", away.Headers.Location?.OriginalString);
        using (var signout = await http.PostAsync("/signout", null))
            Assert.Equal(HttpStatusCode.SeeOther, signout.StatusCode);
        using (var after = await http.PostAsync("/graphql", new StringContent(Query, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private static FormUrlEncodedContent Form(string key, string returnUrl) => new(new Dictionary<string, string> { ["key"] = key, ["returnUrl"] = returnUrl });

    private async Task WaitKnownAsync(string key)
    {
        using var http = fixture.Silo.CreateClient(authenticated: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.True(await PollAsync(http, HttpStatusCode.OK, TimeSpan.FromSeconds(10)), "the new key was not accepted within 10 s");
    }

    [Fact]
    public async Task The_keys_verb_works_on_a_fresh_database_prints_the_key_last_and_never_lists_it()
    {
        var server = new MySqlConnectionStringBuilder(fixture.Database.ConnectionString);
        var name = "cx_test_keys_" + Guid.NewGuid().ToString("N")[..8];
        await using (var connection = new MySqlConnection(new MySqlConnectionStringBuilder(server.ConnectionString) { Database = "" }.ConnectionString))
        {
            await connection.OpenAsync();
            await new MySqlCommand($"CREATE DATABASE `{name}`", connection).ExecuteNonQueryAsync();
        }
        var connectionString = new MySqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
        try
        {
            var (exit, stdout, stderr) = await KeysAsync(connectionString, "create", "ops-team", "--scope", "ingest,read");
            Assert.True(exit == 0, stderr);
            var key = stdout.TrimEnd().Split('\n')[^1];
            Assert.True(ApiKeys.IsWellFormed(key), stdout);

            (exit, stdout, _) = await KeysAsync(connectionString, "list");
            Assert.Equal(0, exit);
            Assert.Contains("ops-team", stdout);
            Assert.Contains("ingest,read", stdout);
            Assert.DoesNotContain(key, stdout);
            Assert.DoesNotContain(key[4..], stdout);

            Assert.Equal(2, (await KeysAsync(connectionString, "create", "ops-team", "--scope", "read")).Exit);   // name taken
            Assert.Equal(2, (await KeysAsync(connectionString, "create", "bad name", "--scope", "read")).Exit);
            var badScope = await KeysAsync(connectionString, "create", "x", "--scope", "read,root");
            Assert.Equal(2, badScope.Exit);
            Assert.Contains("unknown scope 'root'", badScope.Stderr);
            Assert.Equal(2, (await KeysAsync(connectionString, "create", "x")).Exit);
            Assert.Equal(2, (await KeysAsync(connectionString, "revoke", "nobody")).Exit);
            Assert.Equal(0, (await KeysAsync(connectionString, "revoke", "ops-team")).Exit);
            (_, stdout, _) = await KeysAsync(connectionString, "list");
            Assert.Matches(@"ops-team\s.*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s*$", stdout.Split('\n').First(l => l.StartsWith("ops-team", StringComparison.Ordinal)));
        }
        finally
        {
            await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(server.ConnectionString) { Database = "" }.ConnectionString);
            await connection.OpenAsync();
            await new MySqlCommand($"DROP DATABASE IF EXISTS `{name}`", connection).ExecuteNonQueryAsync();
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> KeysAsync(string connectionString, params string[] args)
    {
        var dll = SiloProcess.SiloBinary();
        var start = new ProcessStartInfo("dotnet", [dll, "keys", .. args])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ConnectionStrings__Cx"] = connectionString;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A tiny configured limit: requests beyond a burst of two are 429 with Retry-After.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Over_the_limit_a_key_gets_429_with_Retry_After_and_another_key_is_not_affected()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(db.ConnectionString, new Dictionary<string, string>
        {
            ["Auth:RateLimits:Read:PermitsPerSecond"] = "1",
            ["Auth:RateLimits:Read:Burst"] = "2",
        });
        var other = await SiloProcess.ProvisionKeyAsync(db.ConnectionString, [Scopes.Read]);
        // Six at once against a bucket of two that refills one a second: whatever the machine's load, some are refused.
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            silo.Http.PostAsync("/graphql", new StringContent("""{"query":"{ __typename }"}""", Encoding.UTF8, "application/json"))));
        try
        {
            var statuses = responses.Select(r => (int)r.StatusCode).Order().ToList();
            Assert.True(statuses.All(s => s is 200 or 429) && statuses.Count(s => s == 200) is >= 2 and <= 4 && statuses.Contains(429), string.Join(",", statuses));
            var limited = responses.First(r => r.StatusCode == HttpStatusCode.TooManyRequests);
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {limited.Headers.RetryAfter}");
            Assert.Equal("RATE_LIMITED", JsonNode.Parse(await limited.Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
        }
        finally
        {
            foreach (var response in responses)
                response.Dispose();
        }
        // Health probes are never limited.
        using (var health = await silo.Http.GetAsync("/health/live"))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // Another key has its own budget (once the silo has loaded it).
        using var http = silo.CreateClient(authenticated: false);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", other);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            using var response = await http.PostAsync("/graphql", new StringContent("""{"query":"{ __typename }"}""", Encoding.UTF8, "application/json"));
            status = response.StatusCode;
            if (status != HttpStatusCode.Unauthorized)
                break;
            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
