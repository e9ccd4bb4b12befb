namespace CxActors.Api.Schema;

/// <summary>The platform of an interaction, by the same upper-case codes MySQL stores.</summary>
public sealed class ChannelGraphType : EnumerationGraphType
{
    public ChannelGraphType()
    {
        Name = "Channel";
        Description = "The platform a customer contacted us on.";
        Add("PHONE", Channel.Phone, "Phone calls (the URA/IVR export).");
        Add("CHAT", Channel.Chat, "Web chat.");
        Add("WHATSAPP", Channel.WhatsApp, "WhatsApp conversations.");
        Add("EMAIL", Channel.Email, "E-mail cases.");
    }
}
