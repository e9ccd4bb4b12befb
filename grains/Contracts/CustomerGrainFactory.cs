using Orleans.Runtime;

namespace CxActors;

public static class CustomerGrainFactory
{
    // Orleans' GetGrain<T>(string) re-derives the grain interface type from T's name on every call (string
    // formatting and parsing: ~200 bytes and a few microseconds a call, measured on the ingest's hot path).
    // The types never change in a process, so they are resolved once and references are made from the id.
    private static (GrainType Grain, GrainInterfaceType Interface)? s_types;

    /// <summary>The customer's grain; the same reference as <c>GetGrain&lt;ICustomerGrain&gt;(customerId)</c>.</summary>
    public static ICustomerGrain GetCustomer(this IGrainFactory grains, string customerId)
    {
        if (s_types is not { } types)
        {
            var probe = grains.GetGrain<ICustomerGrain>(customerId);
            s_types = (probe.GetGrainId().Type, ((GrainReference)probe).InterfaceType);
            return probe;
        }
        return (ICustomerGrain)grains.GetGrain(GrainId.Create(types.Grain, customerId), types.Interface);
    }
}
