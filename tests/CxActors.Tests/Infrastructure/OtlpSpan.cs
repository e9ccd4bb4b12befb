namespace CxActors.Tests.Infrastructure;

/// <summary>One span as received over OTLP: ids in lower-case hex (the parent empty for a root), its scope (activity source).</summary>
public sealed record OtlpSpan(string Scope, string Name, string TraceId, string SpanId, string ParentSpanId, int Kind,
    IReadOnlyList<(string TraceId, string SpanId)> Links, IReadOnlyDictionary<string, string> Attributes);
