using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CxActors.Api.Tests;

/// <summary>
/// One real silo (the built binary) on a fresh database, shared by the HTTP test classes. The grains keep only
/// 5 recent interactions in memory here, so that deep pages and old windows are answered from MySQL.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;
    public SiloProcess Silo { get; private set; } = null!;
    public HttpClient Http => Silo.Http;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Silo = await SiloProcess.StartAsync(Database.ConnectionString, new Dictionary<string, string>
        {
            ["CustomerHistory:RecentCapacity"] = "5",
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

    public async Task<GraphQLResponse> QueryAsync(string query, object? variables = null, string? operationName = null)
    {
        var body = JsonSerializer.Serialize(new { query, variables, operationName });
        return await PostAsync(body);
    }

    public async Task<GraphQLResponse> PostAsync(string body, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (accept is not null)
            request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new GraphQLResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text);
    }
}

public sealed record GraphQLResponse(HttpStatusCode Status, string? ContentType, string Body)
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
