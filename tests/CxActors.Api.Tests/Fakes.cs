using System.Collections.Concurrent;
using System.Reflection;

namespace CxActors.Api.Tests;

/// <summary>
/// An <see cref="IGrainFactory"/> whose customer grains answer <see cref="ICustomerGrain.GetProfileAsync"/> with a
/// delegate, for in-process checks of batching, concurrency and error masking without a silo.
/// </summary>
public sealed class FakeGrains
{
    public FakeGrains(Func<string, Task<CustomerProfile?>> profile)
    {
        Profile = profile;
        Factory = DispatchProxy.Create<IGrainFactory, FactoryProxy>();
        ((FactoryProxy)(object)Factory).Owner = this;
    }

    public IGrainFactory Factory { get; }
    public Func<string, Task<CustomerProfile?>> Profile { get; }
    public ConcurrentBag<string> ProfileCalls { get; } = [];

    public static CustomerProfile ProfileOf(string customerId) => new()
    {
        CustomerId = customerId,
        Phones = [],
        TotalContacts = 1,
        ChannelCounts = [new ChannelCount(Channel.Chat, 1)],
        FirstContactAt = Interactions.Utc(2020, 1, 1),
        LastInteraction = Interactions.Make(customerId, Channel.Chat, Interactions.Utc(2020, 1, 1)),
    };

    public class FactoryProxy : DispatchProxy
    {
        internal FakeGrains Owner { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod is { Name: "GetGrain", IsGenericMethod: true } && targetMethod.GetGenericArguments()[0] == typeof(ICustomerGrain))
            {
                var grain = DispatchProxy.Create<ICustomerGrain, GrainProxy>();
                ((GrainProxy)(object)grain).Owner = Owner;
                ((GrainProxy)(object)grain).Key = (string)args![0]!;
                return grain;
            }
            throw new NotSupportedException(targetMethod?.ToString());
        }
    }

    public class GrainProxy : DispatchProxy
    {
        internal FakeGrains Owner { get; set; } = null!;
        internal string Key { get; set; } = "";

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(ICustomerGrain.GetProfileAsync))
            {
                Owner.ProfileCalls.Add(Key);
                return Owner.Profile(Key);
            }
            throw new NotSupportedException(targetMethod?.ToString());
        }
    }
}
