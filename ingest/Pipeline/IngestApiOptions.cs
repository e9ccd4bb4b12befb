using System.ComponentModel.DataAnnotations;

namespace CxActors.Ingest.Pipeline;

/// <summary>The <c>Ingest</c> section: how bodies are read and how long their records may take to become durable.</summary>
public sealed class IngestApiOptions
{
    public const string Section = "Ingest";

    /// <summary>IANA time zone of the exports' local times.</summary>
    [Required]
    public string SourceTimeZone { get; set; } = "America/Sao_Paulo";

    /// <summary>Largest request body accepted, in bytes (413 beyond). Large files go through ./cx import in chunks.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxBodyBytes { get; set; } = 1L << 30;

    /// <summary>Records read before they are sent to the grains and made durable.</summary>
    [Range(1, 100_000)]
    public int ChunkRecords { get; set; } = 5000;

    /// <summary>
    /// Customer grain calls in flight per request (0 or less: the whole chunk). High on purpose: every call waits for a
    /// log flush, and a flush can only pack what the calls in flight have queued, so a whole chunk should be in flight.
    /// </summary>
    public int MaxConcurrentGrainCalls { get; set; } = 5000;

    /// <summary>How long the failed calls of a chunk keep being retried (backing off from 0.2 s) before the request answers 503.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan RetryBudget { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// The most a chunk may take to become durable, retries included; then the request answers 503 with what was
    /// confirmed (a hung database never holds a client longer than this).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ChunkDeadline { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>Rejections listed in a response (all are counted and stored in ingest_rejections).</summary>
    [Range(0, 1_000_000)]
    public int MaxRejectionsListed { get; set; } = 10_000;
}
