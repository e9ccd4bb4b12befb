namespace CxActors.Ingest.Pipeline;

/// <summary>The 200 answer: every accepted record is durable; rejected lists at most Ingest:MaxRejectionsListed.</summary>
public sealed record IngestResponse(int Accepted, int Duplicates, IReadOnlyList<Rejection> Rejected, int RejectedCount)
{
    public IngestResponse(IngestOutcome outcome) : this(outcome.Accepted, outcome.Duplicates, outcome.Rejected, outcome.RejectedCount)
    {
    }
}
