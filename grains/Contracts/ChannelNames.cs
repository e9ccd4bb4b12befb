namespace CxActors;

/// <summary>
/// The names channel systems use to reach the ingest endpoints (<c>POST /ingest/{name}</c>), their aliases, and
/// what each stands for: the <see cref="Channel"/> its records are on, and the name recorded with its rejections.
/// The ingest endpoints, the import tool and the rejections table all spell channels this way. Nothing here knows
/// about the ingest formats (Contracts does not reference ingest): <c>CxActors.Ingest.IngestFormats</c> maps these
/// names to formats.
/// </summary>
public static class ChannelNames
{
    /// <summary>The URA (IVR) export.</summary>
    public const string Phone = "phone";
    /// <summary>Alias of <see cref="Phone"/>: the phone system's Portuguese name. Its rejections are filed as <see cref="Phone"/>.</summary>
    public const string Ura = "ura";
    public const string Chat = "chat";
    public const string WhatsApp = "whatsapp";
    public const string Email = "email";
    /// <summary>Canonical JSON, posted to <c>/ingest/interactions</c>; each record names its own channel.</summary>
    public const string Canonical = "canonical";
    /// <summary>Alias of <see cref="Canonical"/>: the last segment of its endpoint path.</summary>
    public const string Interactions = "interactions";

    /// <summary>The native exports' names, without aliases, in the order they are listed to users.</summary>
    public static IReadOnlyList<string> Native { get; } = [Phone, Chat, WhatsApp, Email];

    /// <summary>The native names for a message, aliases included: "phone (or ura), chat, whatsapp or email".</summary>
    public const string NativeList = "phone (or ura), chat, whatsapp or email";

    /// <summary>
    /// Resolves a name or alias (any case, surrounding spaces ignored) to its own name, which is also the name its
    /// rejections are recorded under: <c>ura</c> gives <see cref="Phone"/>, <c>interactions</c> <see cref="Canonical"/>.
    /// </summary>
    public static bool TryResolve(string? name, out string resolved)
    {
        resolved = name?.Trim().ToLowerInvariant() switch
        {
            Phone or Ura => Phone,
            Chat => Chat,
            WhatsApp => WhatsApp,
            Email => Email,
            Canonical or Interactions => Canonical,
            _ => "",
        };
        return resolved.Length > 0;
    }

    /// <summary>As <see cref="TryResolve"/>, but only a native export's name or alias (what <c>/ingest/{name}</c> takes).</summary>
    public static bool TryResolveNative(string? name, out string resolved)
    {
        if (TryResolve(name, out resolved) && resolved != Canonical)
            return true;
        resolved = "";
        return false;
    }

    /// <summary>The channel a native export's records are on; null for <see cref="Canonical"/> and unknown names.</summary>
    public static Channel? ChannelOf(string name) => TryResolve(name, out var resolved)
        ? resolved switch
        {
            Phone => Channel.Phone,
            Chat => Channel.Chat,
            WhatsApp => Channel.WhatsApp,
            Email => Channel.Email,
            _ => null,
        }
        : null;

    /// <summary>The endpoint a name posts to: <c>/ingest/phone</c> … <c>/ingest/interactions</c>; null for unknown names.</summary>
    public static string? EndpointPath(string name) => TryResolve(name, out var resolved)
        ? resolved == Canonical ? "/ingest/" + Interactions : "/ingest/" + resolved
        : null;
}
