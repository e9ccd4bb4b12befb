namespace CxActors;

/// <summary>The channels in their enum order, and their codes in MySQL and GraphQL.</summary>
public static class Channels
{
    public static readonly IReadOnlyList<Channel> All = [Channel.Phone, Channel.Chat, Channel.WhatsApp, Channel.Email];

    /// <summary>The name used in MySQL and GraphQL: PHONE, CHAT, WHATSAPP, EMAIL.</summary>
    public static string ToCode(this Channel channel) => channel switch
    {
        Channel.Phone => "PHONE",
        Channel.Chat => "CHAT",
        Channel.WhatsApp => "WHATSAPP",
        Channel.Email => "EMAIL",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "unknown channel"),
    };

    /// <summary>Parses a channel code case-insensitively; accepts URA as the phone channel's Portuguese name.</summary>
    public static bool TryParse(string? code, out Channel channel)
    {
        switch (code?.Trim().ToUpperInvariant())
        {
            case "PHONE" or "URA": channel = Channel.Phone; return true;
            case "CHAT": channel = Channel.Chat; return true;
            case "WHATSAPP": channel = Channel.WhatsApp; return true;
            case "EMAIL" or "E-MAIL": channel = Channel.Email; return true;
            default: channel = default; return false;
        }
    }
}
