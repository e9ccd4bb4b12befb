namespace CxActors.Ingest.Pipeline;

/// <summary>What one ingest request did, record by record; the counts cover what was durable when it ended.</summary>
public sealed class IngestOutcome
{
    public int Accepted { get; set; }
    public int Duplicates { get; set; }
    public int RejectedCount { get; set; }
    public List<Rejection> Rejected { get; } = [];
}
