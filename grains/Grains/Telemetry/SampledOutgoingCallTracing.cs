using System.Diagnostics;

namespace CxActors.Telemetry;

/// <summary>The caller's side of <see cref="SampledTracePropagation"/>: a span, and its context sent, only under a sampled span.</summary>
internal sealed class SampledOutgoingCallTracing : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context) =>
        Activity.Current is { Recorded: true } current
            ? SampledTracePropagation.TraceAsync(context, ActivityKind.Client, current.Context)
            : context.Invoke();
}
