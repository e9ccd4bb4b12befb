namespace CxActors.Ingest;

/// <summary>
/// The ingest format behind each of <see cref="ChannelNames"/>' names, and back: the one table the endpoints and the
/// import tool need to go from <c>/ingest/{name}</c> to an adapter.
/// </summary>
public static class IngestFormats
{
    /// <summary>The format of a name or alias (see <see cref="ChannelNames.TryResolve"/>); its resolved name is also returned.</summary>
    public static bool TryParse(string? name, out IngestFormat format, out string resolvedName)
    {
        format = default;
        if (!ChannelNames.TryResolve(name, out resolvedName))
            return false;
        format = resolvedName switch
        {
            ChannelNames.Phone => IngestFormat.Phone,
            ChannelNames.Chat => IngestFormat.Chat,
            ChannelNames.WhatsApp => IngestFormat.WhatsApp,
            ChannelNames.Email => IngestFormat.Email,
            _ => IngestFormat.Canonical,
        };
        return true;
    }

    /// <summary>The format's name in <see cref="ChannelNames"/>, which its rejections are recorded under.</summary>
    public static string Name(IngestFormat format) => format switch
    {
        IngestFormat.Canonical => ChannelNames.Canonical,
        IngestFormat.Phone => ChannelNames.Phone,
        IngestFormat.Chat => ChannelNames.Chat,
        IngestFormat.WhatsApp => ChannelNames.WhatsApp,
        IngestFormat.Email => ChannelNames.Email,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown ingest format"),
    };

    /// <summary>Whether the format's bodies are CSV (a header row, then records) rather than JSON.</summary>
    public static bool IsCsv(IngestFormat format) => format is IngestFormat.WhatsApp or IngestFormat.Email;
}
