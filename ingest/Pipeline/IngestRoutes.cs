namespace CxActors.Ingest.Pipeline;

/// <summary>
/// What each ingest endpoint reads: its format (from <see cref="IngestFormats"/>), the name its rejections are stored
/// under (from <see cref="ChannelNames"/>) and the content types its bodies may be sent as.
/// </summary>
public static class IngestRoutes
{
    private static readonly string[] Json = ["application/json", "application/x-ndjson", "application/jsonl", "application/json-seq"];
    private static readonly string[] Csv = ["text/csv", "application/csv"];

    /// <summary>One endpoint: <paramref name="Name"/> is the channel name stored with its rejections.</summary>
    public sealed record Endpoint(IngestFormat Format, string Name, IReadOnlyList<string> ContentTypes);

    /// <summary>POST /ingest/interactions.</summary>
    public static readonly Endpoint Canonical = new(IngestFormat.Canonical, ChannelNames.Canonical, Json);

    /// <summary>POST /ingest/{channel}: a native export's endpoint by its name or alias (case-insensitive).</summary>
    public static bool TryGetNative(string channel, out Endpoint endpoint)
    {
        endpoint = Canonical;
        if (!ChannelNames.TryResolveNative(channel, out var name) || !IngestFormats.TryParse(name, out var format, out _))
            return false;
        endpoint = new Endpoint(format, name, IngestFormats.IsCsv(format) ? Csv : Json);
        return true;
    }
}
