namespace CxActors.Ingest;

public enum IngestFormat
{
    /// <summary>Canonical JSON (array or NDJSON), source <c>api</c>.</summary>
    Canonical,
    /// <summary>URA (IVR) export, JSON.</summary>
    Phone,
    /// <summary>Chat export, JSON.</summary>
    Chat,
    /// <summary>WhatsApp export, CSV.</summary>
    WhatsApp,
    /// <summary>E-mail export, CSV.</summary>
    Email,
}
