namespace CxActors.Ingest.Pipeline;

/// <summary>The ingest endpoints: the path segment, the format its bodies are read in, and the name rejections are stored under.</summary>
public static class IngestRoutes
{
    private static readonly string[] Json = ["application/json", "application/x-ndjson", "application/jsonl", "application/json-seq"];
    private static readonly string[] Csv = ["text/csv", "application/csv"];

    /// <summary>One endpoint: <paramref name="Name"/> is the channel name stored with its rejections.</summary>
    public sealed record Endpoint(IngestFormat Format, string Name, IReadOnlyList<string> ContentTypes);

    /// <summary>POST /ingest/interactions.</summary>
    public static readonly Endpoint Canonical = new(IngestFormat.Canonical, "canonical", Json);

    private static readonly Dictionary<string, Endpoint> Native = new(StringComparer.OrdinalIgnoreCase)
    {
        ["phone"] = new(IngestFormat.Phone, "phone", Json),
        ["ura"] = new(IngestFormat.Phone, "phone", Json),
        ["chat"] = new(IngestFormat.Chat, "chat", Json),
        ["whatsapp"] = new(IngestFormat.WhatsApp, "whatsapp", Csv),
        ["email"] = new(IngestFormat.Email, "email", Csv),
    };

    public const string NativeNamesForHumans = "phone (or ura), chat, whatsapp or email";

    /// <summary>POST /ingest/{channel}: a native export's endpoint by its path segment (case-insensitive).</summary>
    public static bool TryGetNative(string channel, out Endpoint endpoint) => Native.TryGetValue(channel, out endpoint!);
}
