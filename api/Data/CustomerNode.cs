namespace CxActors.Api.Data;

/// <summary>
/// A customer as the <c>Customer</c> type resolves it: the id, and the profile from the customer's grain,
/// either already fetched (<c>customer(id:)</c>) or fetched once on first use (list nodes, whose id comes from
/// the reporting tables: a page of ids activates no grain unless a profile field is asked for).
/// </summary>
public sealed class CustomerNode
{
    private readonly IGrainFactory _grains;
    private Task<CustomerProfile?>? _profile;
    private object? _profileLock;

    public CustomerNode(IGrainFactory grains, string id, CustomerProfile? profile = null)
    {
        _grains = grains;
        Id = id;
        if (profile is not null)
            _profile = Task.FromResult<CustomerProfile?>(profile);
    }

    public string Id { get; }

    public ICustomerGrain Grain => _grains.GetCustomer(Id);

    /// <summary>The grain's profile, asked for at most once per node however many fields need it.</summary>
    public Task<CustomerProfile?> ProfileAsync() =>
        _profile ?? LazyInitializer.EnsureInitialized(ref _profile, ref _profileLock, () => Grain.GetProfileAsync());
}
