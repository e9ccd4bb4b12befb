namespace CxActors.Ingest;

/// <summary>The body as a whole cannot be read; the HTTP layer answers 400 with the message.</summary>
public sealed class IngestFormatException(string message) : Exception(message);
