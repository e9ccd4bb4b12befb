namespace CxActors;

/// <summary>The platform a customer contacted us on. Stored and served by its upper-case name.</summary>
[GenerateSerializer, Alias("cx.Channel")]
public enum Channel : byte
{
    Phone = 0,
    Chat = 1,
    WhatsApp = 2,
    Email = 3,
}
