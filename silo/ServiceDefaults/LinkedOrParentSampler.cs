using System.Diagnostics;
using OpenTelemetry.Trace;

namespace CxActors.ServiceDefaults;

/// <summary>
/// Parent-based ratio sampling, plus: a root span with a link to a recorded span is recorded. The interaction log's
/// <c>cx.log.flush</c> is such a root (it serves many requests, so it links to their grain calls instead of having a
/// parent); without this rule a sampled request's flush would itself be sampled at the ratio, and mostly missing.
/// </summary>
public sealed class LinkedOrParentSampler(double ratio) : Sampler
{
    private readonly Sampler _parentBased = new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext.TraceId == default && samplingParameters.Links is { } links)
        {
            foreach (var link in links)
                if ((link.Context.TraceFlags & ActivityTraceFlags.Recorded) != 0)
                    return new SamplingResult(SamplingDecision.RecordAndSample);
        }
        return _parentBased.ShouldSample(samplingParameters);
    }
}
