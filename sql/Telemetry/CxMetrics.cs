using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CxActors.Database;

/// <summary>
/// The service's own meter, <c>CxActors</c>: what ingest, the interaction log and GraphQL count. One instance per host
/// (from <see cref="IMeterFactory"/>, so that test hosts in one process do not add up). It lives in CxActors.Database
/// because the ingest pipeline, the log writer (grains) and the API all reference that project already and it
/// references none of them: no new project, no cycle. Tags carry only bounded, non-personal values (channel codes,
/// outcomes, status codes, GraphQL operation names); never a customer id, e-mail, phone or name.
/// Recording costs an interlocked add when nothing listens (<c>Telemetry:Enabled=false</c>).
/// </summary>
public sealed class CxMetrics
{
    public const string MeterName = "CxActors";

    /// <summary>The channel tag of a record whose channel could not be read.</summary>
    public const string UnknownChannel = "unknown";

    private readonly Counter<long> _ingestRecords;
    private readonly Counter<long> _ingestRequests;
    private readonly Histogram<long> _flushRows;
    private readonly Histogram<double> _flushDuration;
    private readonly Counter<long> _logRetries;
    private readonly Counter<long> _graphQLRequests;
    private readonly Histogram<double> _graphQLDuration;
    private readonly Counter<long> _liveDisconnects;
    private readonly Counter<long> _liveDropped;
    private readonly Counter<long> _liveBatches;
    private readonly List<Func<long>> _queueDepths = [];
    private readonly List<Func<long>> _liveSubscriptions = [];

    private static readonly IReadOnlyList<double> SecondsBuckets =
        [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30];

    public CxMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _ingestRecords = meter.CreateCounter<long>("cx.ingest.records", "{record}",
            "Ingested records by channel and outcome (accepted, duplicate, rejected), counted by the silo that received them");
        _ingestRequests = meter.CreateCounter<long>("cx.ingest.requests", "{request}", "Ingest requests by HTTP status");
        meter.CreateObservableGauge("cx.log.queue_depth", ObserveQueueDepth, "{append}",
            "Appends waiting for the interaction log writers");
        _flushRows = meter.CreateHistogram<long>("cx.log.flush.rows", "{row}", "Interaction rows per log flush (one transaction)");
        _flushDuration = meter.CreateHistogram("cx.log.flush.duration", "s", "Duration of a log flush, retries included",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _logRetries = meter.CreateCounter<long>("cx.log.retries", "{retry}", "Log flush attempts retried after a transient MySQL failure");
        _graphQLRequests = meter.CreateCounter<long>("cx.graphql.requests", "{request}", "GraphQL requests by operation and outcome (ok, error)");
        _graphQLDuration = meter.CreateHistogram("cx.graphql.duration", "s", "Execution time of a GraphQL request",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        meter.CreateObservableGauge("cx.live.subscriptions", () => Sum(_liveSubscriptions), "{subscription}",
            "contactAdded subscriptions this silo holds");
        _liveDisconnects = meter.CreateCounter<long>("cx.live.disconnects", "{connection}",
            "Live connections this silo ended itself, by reason (too_slow: the subscriber let its buffer overflow; token_expired, key_revoked: its credential ended)");
        _liveBatches = meter.CreateCounter<long>("cx.live.batches", "{batch}",
            "Batches of committed contacts this silo received from the live feed's publishers (none while it holds no subscription)");
        _liveDropped = meter.CreateCounter<long>("cx.live.dropped", "{interaction}",
            "Committed interactions the live feed dropped because it fell behind (subscribers miss them; the log has them)");
    }

    /// <summary>Outcomes of <c>cx.ingest.records</c>.</summary>
    public static class Outcomes
    {
        public const string Accepted = "accepted";
        public const string Duplicate = "duplicate";
        public const string Rejected = "rejected";
    }

    public bool IngestRecordsEnabled => _ingestRecords.Enabled;

    public void IngestRecords(string channel, string outcome, long count)
    {
        if (count > 0)
            _ingestRecords.Add(count, new("channel", channel), new("outcome", outcome));
    }

    public void IngestRequest(int status) => _ingestRequests.Add(1, new KeyValuePair<string, object?>("status", status));

    /// <summary>Adds a source of queued appends to <c>cx.log.queue_depth</c> (the log writer's queues).</summary>
    public void ObserveQueueDepth(Func<long> depth)
    {
        lock (_queueDepths)
            _queueDepths.Add(depth);
    }

    private long ObserveQueueDepth() => Sum(_queueDepths);

    /// <summary>Adds a source of held subscriptions to <c>cx.live.subscriptions</c> (the silo's live hub).</summary>
    public void ObserveLiveSubscriptions(Func<long> count)
    {
        lock (_liveSubscriptions)
            _liveSubscriptions.Add(count);
    }

    /// <summary>A live connection ended by the silo because its subscriber could not keep up.</summary>
    public void LiveSubscriberTooSlow() => _liveDisconnects.Add(1, new KeyValuePair<string, object?>("reason", "too_slow"));

    /// <summary>A live connection ended by the silo because its credential did (<paramref name="reason"/>: token_expired, key_revoked).</summary>
    public void LiveCredentialEnded(string reason) => _liveDisconnects.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A batch of committed contacts reached this silo's live hub.</summary>
    public void LiveBatchReceived() => _liveBatches.Add(1);

    public void LiveDropped(long interactions)
    {
        if (interactions > 0)
            _liveDropped.Add(interactions);
    }

    private static long Sum(List<Func<long>> sources)
    {
        lock (sources)
            return sources.Sum(source => source());
    }

    public void LogFlushed(int rows, TimeSpan duration)
    {
        _flushRows.Record(rows);
        _flushDuration.Record(duration.TotalSeconds);
    }

    public void LogRetried() => _logRetries.Add(1);

    /// <param name="operation">the executed operation's name (a GraphQL name: letters, digits, underscores), or null</param>
    public void GraphQLRequest(string? operation, bool ok, TimeSpan duration)
    {
        var name = operation is { Length: > 0 and <= 64 } ? operation : "anonymous";
        _graphQLRequests.Add(1, new("operation", name), new("outcome", ok ? "ok" : "error"));
        _graphQLDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("operation", name));
    }
}
