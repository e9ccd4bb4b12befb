namespace CxActors.Ingest.Pipeline;

/// <summary>A refused record: its 0-based index in the body and why.</summary>
public sealed record Rejection(int Record, string Reason);
