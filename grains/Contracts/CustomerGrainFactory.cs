using Orleans.Runtime;

namespace CxActors;

public static class CustomerGrainFactory
{
    // Orleans' GetGrain<T>(string) re-derives the grain interface type from T's name on every call (a cost on the
    // ingest's hot path, BENCHMARKS.md). The types never change for a factory: resolved once, references made from the id.
    private static Resolved? s_resolved;

    private sealed record Resolved(IGrainFactory Factory, GrainType Grain, GrainInterfaceType Interface);

    /// <summary>The customer's grain; the same reference as <c>GetGrain&lt;ICustomerGrain&gt;(customerId)</c>.</summary>
    public static ICustomerGrain GetCustomer(this IGrainFactory grains, string customerId)
    {
        if (s_resolved is { } resolved && ReferenceEquals(resolved.Factory, grains))
            return (ICustomerGrain)grains.GetGrain(GrainId.Create(resolved.Grain, customerId), resolved.Interface);
        var grain = grains.GetGrain<ICustomerGrain>(customerId);
        // A test double is not a GrainReference: it keeps being asked the usual way.
        if (grain is GrainReference reference)
            s_resolved = new Resolved(grains, reference.GrainId.Type, reference.InterfaceType);
        return grain;
    }
}
