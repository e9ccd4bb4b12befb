using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CxActors.Tests.Infrastructure;

/// <summary>Canonical ingest bodies and their answers.</summary>
public static class CanonicalBodies
{
    /// <summary>An ingest answer: the 200 body, or a problem details body (detail, code) that carries the same counts.</summary>
    public sealed record IngestAnswer(int Accepted, int Duplicates, List<RejectionAnswer> Rejected, int RejectedCount, string? Detail, string? Code, string? RequestId);
    public sealed record RejectionAnswer(int Record, string Reason);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static JsonObject Record(string customer, string channel, DateTime startedAtUtc, string? id = null) => new()
    {
        ["customer"] = customer,
        ["channel"] = channel,
        ["startedAt"] = startedAtUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        ["id"] = id,
    };

    public static async Task<(int Status, IngestAnswer Answer)> PostAsync(HttpClient http, IEnumerable<JsonObject> records, CancellationToken cancellationToken = default)
    {
        var body = new JsonArray([.. records.Select(r => (JsonNode)r.DeepClone())]);
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/ingest/interactions", content, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<IngestAnswer>(Web, cancellationToken);
        return ((int)response.StatusCode, answer!);
    }
}
