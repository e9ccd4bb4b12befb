using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CxActors.Api.Tests;

/// <summary>
/// One real silo (the built binary) on a fresh database, shared by the HTTP test classes. The grains keep only
/// 5 recent interactions in memory here, so that deep pages and old windows are answered from MySQL. A test class
/// that needs a database of its own (or another capacity) derives a fixture of its own from this one.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    private readonly int _recentCapacity;

    // xUnit builds a fixture through its one public constructor; a derived fixture passes its own capacity.
    public ApiFixture() : this(recentCapacity: 5)
    {
    }

    protected ApiFixture(int recentCapacity) => _recentCapacity = recentCapacity;

    public TestDatabase Database { get; private set; } = null!;
    public SiloProcess Silo { get; private set; } = null!;
    public HttpClient Http => Silo.Http;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Silo = await SiloProcess.StartAsync(Database.ConnectionString, new Dictionary<string, string>
        {
            ["CustomerHistory:RecentCapacity"] = _recentCapacity.ToString(CultureInfo.InvariantCulture),
        });
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Sends canonical interactions through POST /ingest/interactions and checks they were all accepted.</summary>
    public async Task IngestAsync(params object[] records)
    {
        using var response = await Http.PostAsync("/ingest/interactions",
            new StringContent(JsonSerializer.Serialize(records), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal(records.Length, JsonNode.Parse(body)!["accepted"]!.GetValue<int>());
    }

    public Task<GraphQLResponse> QueryAsync(string query, object? variables = null, string? operationName = null, string? accept = null) =>
        Http.QueryAsync(query, variables, operationName, accept);

    public Task<GraphQLResponse> PostAsync(string body, string? contentType = "application/json", string? accept = null) =>
        Http.PostGraphQLAsync(body, contentType, accept);
}

/// <summary>POST /graphql from a test, against the silo process or an <see cref="InProcessHost"/>.</summary>
public static class GraphQLHttp
{
    public const string GraphQLResponseJson = "application/graphql-response+json";

    public static Task<GraphQLResponse> QueryAsync(this HttpClient http, string query, object? variables = null, string? operationName = null, string? accept = null) =>
        http.PostGraphQLAsync(JsonSerializer.Serialize(new { query, variables, operationName }), accept: accept);

    /// <summary>A POST of <paramref name="body"/> (UTF-8) with exactly this Content-Type; null sends none at all.</summary>
    public static async Task<GraphQLResponse> PostGraphQLAsync(this HttpClient http, string body, string? contentType = "application/json",
        string? accept = null, string? requestId = null)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = content };
        if (accept is not null)
            request.Headers.TryAddWithoutValidation("Accept", accept);
        if (requestId is not null)
            request.Headers.TryAddWithoutValidation("X-Request-Id", requestId);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new GraphQLResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text,
            response.Headers.TryGetValues("X-Request-Id", out var ids) ? string.Join(",", ids) : null);
    }
}

public sealed record GraphQLResponse(HttpStatusCode Status, string? ContentType, string Body, string? RequestId = null)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    /// <summary>The data of a successful response (200, no errors), as compact JSON.</summary>
    public string Data
    {
        get
        {
            Assert.True(Status == HttpStatusCode.OK, Body);
            Assert.True(Json["errors"] is null, Body);
            return Json["data"]!.ToJsonString();
        }
    }

    /// <summary>The single error of the response: message, path and extensions.code.</summary>
    public (string Message, string? Path, string? Code) Error
    {
        get
        {
            var errors = Json["errors"]?.AsArray();
            Assert.True(errors is { Count: 1 }, Body);
            var error = errors[0]!;
            return (error["message"]!.GetValue<string>(), error["path"]?.ToJsonString(), error["extensions"]?["code"]?.GetValue<string>());
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
