using System.Net.Http.Json;
using System.Text.Json;

namespace CxActors.Tests.Infrastructure;

/// <summary>POST /graphql from the process-level tests.</summary>
public static class GraphQLCalls
{
    /// <summary>The <c>data</c> of a query that must succeed (status 200, no errors).</summary>
    public static async Task<JsonElement> QueryAsync(HttpClient http, string query, object? variables = null, CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync("/graphql", new { query, variables }, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        Assert.True(response.IsSuccessStatusCode && !body.TryGetProperty("errors", out _), $"{(int)response.StatusCode}: {body}");
        return body.GetProperty("data");
    }
}
