using System.Diagnostics;

namespace CxActors.Telemetry;

/// <summary>The grain's side of <see cref="SampledTracePropagation"/>: a span only when a sampled caller sent its context.</summary>
internal sealed class SampledIncomingCallTracing : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        RequestContext.Get(SampledTracePropagation.TraceParent) is string parent
        && ActivityContext.TryParse(parent, RequestContext.Get(SampledTracePropagation.TraceState) as string, isRemote: true, out var caller)
            ? SampledTracePropagation.TraceAsync(context, ActivityKind.Server, caller)
            : context.Invoke();
}
