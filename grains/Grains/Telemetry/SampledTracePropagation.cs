using System.Diagnostics;
using CxActors.Database;
using Microsoft.Extensions.DependencyInjection;

namespace CxActors.Telemetry;

/// <summary>
/// Traces follow a sampled request into its grain calls: a client span around each outgoing call and a server span
/// around the grain's turn, both in the service's own source (<see cref="CxActivities.SourceName"/>), the caller's
/// context carried in the call's <see cref="RequestContext"/> as W3C <c>traceparent</c>/<c>tracestate</c>.
/// <para>
/// Only a recorded (sampled) caller propagates. Orleans' own <c>AddActivityPropagation</c> tags, injects and parses a
/// context on every call, sampled or not: work for the 90 % of requests (at the default 10 % sampling) whose spans
/// nobody sees. Its share of telemetry's measured cost was within the measurement's spread (BENCHMARKS.md).
/// </para>
/// </summary>
public static class SampledTracePropagation
{
    internal const string TraceParent = "traceparent";
    internal const string TraceState = "tracestate";

    public static ISiloBuilder AddSampledTracePropagation(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<IOutgoingGrainCallFilter, SampledOutgoingCallTracing>();
        silo.Services.AddSingleton<IIncomingGrainCallFilter, SampledIncomingCallTracing>();
        return silo;
    }

    /// <summary><c>ICustomerGrain/RecordAsync</c>: the interface's short name and the method.</summary>
    internal static string SpanName(IGrainCallContext context) =>
        $"{context.InterfaceMethod?.DeclaringType?.Name ?? context.InterfaceName}/{context.MethodName}";

    /// <summary>
    /// Runs the call inside a span of <paramref name="kind"/>. Async, so that the span (<see cref="Activity.Current"/>) and
    /// the context set in the call's <see cref="RequestContext"/> stay in this call's flow and never leak to the caller's.
    /// </summary>
    internal static async Task TraceAsync(IGrainCallContext context, ActivityKind kind, ActivityContext parent)
    {
        using var activity = CxActivities.Source.StartActivity(SpanName(context), kind, parent);
        if (activity is null)
        {
            await context.Invoke();
            return;
        }
        activity.SetTag("rpc.system", "orleans");
        activity.SetTag("rpc.service", context.InterfaceName);
        activity.SetTag("rpc.method", context.MethodName);
        if (kind == ActivityKind.Client)
        {
            RequestContext.Set(TraceParent, activity.Id!);
            if (activity.TraceStateString is { } state)
                RequestContext.Set(TraceState, state);
        }
        try
        {
            await context.Invoke();
        }
        catch (Exception ex)
        {
            // The type only: a message may carry what a caller sent (personal data stays out of telemetry).
            activity.SetStatus(ActivityStatusCode.Error);
            activity.SetTag("exception.type", ex.GetType().FullName);
            throw;
        }
    }
}
