namespace CxActors.Api.Data;

/// <summary>Rejected records of one ingest endpoint and one kind of reason (<see cref="RejectionReasons"/>).</summary>
public sealed record RejectionCount(string Endpoint, string Reason, int Count);
