namespace CxActors.Ingest;

/// <summary>A self-contained request body holding records [FirstRecord, FirstRecord + Records) of an export.</summary>
public sealed record ExportChunk(byte[] Body, int FirstRecord, int Records, string ContentType);
