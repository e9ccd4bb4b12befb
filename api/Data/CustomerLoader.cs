using GraphQL.DataLoader;

namespace CxActors.Api.Data;

/// <summary>
/// Per-request batching of <c>customer(id:)</c> lookups (GraphQL.NET data-loader protocol: every field returns a
/// pending <see cref="IDataLoaderResult{T}"/>, and the first one awaited runs the whole batch). A batch resolves
/// all its phone numbers in one MySQL query, then asks every distinct customer's grain for its profile at once,
/// so a document with 50 aliases costs one round trip to MySQL and 50 concurrent grain calls, not 50 of each in turn.
/// </summary>
public sealed class CustomerLoader(CxGraphServices services)
{
    private readonly Lock _gate = new();
    private readonly List<string> _queued = [];
    private readonly Dictionary<string, Task<Dictionary<string, CustomerNode?>>> _batches = new(StringComparer.Ordinal);

    /// <summary>The customer with this e-mail (already trimmed and lower-cased), or null when unknown.</summary>
    public IDataLoaderResult<CustomerNode?> ByEmail(string email) => Enqueue(email);

    /// <summary>The customer this phone (digits only) is linked to, or null when none is.</summary>
    public IDataLoaderResult<CustomerNode?> ByPhone(string digits) => Enqueue("#" + digits);

    private Pending Enqueue(string key)
    {
        lock (_gate)
        {
            if (!_batches.ContainsKey(key) && !_queued.Contains(key))
                _queued.Add(key);
        }
        return new Pending(this, key);
    }

    private async Task<CustomerNode?> GetAsync(string key, CancellationToken cancellationToken)
    {
        Task<Dictionary<string, CustomerNode?>> batch;
        lock (_gate)
        {
            if (_queued.Count > 0)
            {
                var keys = _queued.ToArray();
                _queued.Clear();
                var run = RunBatchAsync(keys, cancellationToken);
                foreach (var k in keys)
                    _batches[k] = run;
            }
            batch = _batches[key];
        }
        return (await batch).GetValueOrDefault(key);
    }

    private async Task<Dictionary<string, CustomerNode?>> RunBatchAsync(string[] keys, CancellationToken cancellationToken)
    {
        await Task.Yield(); // leave the lock's caller before touching MySQL or the grains
        var phones = new List<string>();
        foreach (var key in keys)
        {
            if (key[0] == '#')
                phones.Add(key[1..]);
        }
        var links = phones.Count == 0
            ? null
            : await services.Reporting.CustomersByPhoneAsync(phones, cancellationToken);

        var customerOf = new Dictionary<string, string>(keys.Length, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (key[0] != '#')
                customerOf[key] = key;
            else if (links!.TryGetValue(key[1..], out var linked))
                customerOf[key] = linked;
        }

        var profiles = new Dictionary<string, Task<CustomerProfile?>>(StringComparer.Ordinal);
        foreach (var customerId in customerOf.Values)
        {
            if (!profiles.ContainsKey(customerId))
                profiles[customerId] = services.Grains.GetGrain<ICustomerGrain>(customerId).GetProfileAsync();
        }
        await Task.WhenAll(profiles.Values);

        var result = new Dictionary<string, CustomerNode?>(keys.Length, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            result[key] = customerOf.TryGetValue(key, out var customerId) && profiles[customerId].Result is { } profile
                ? new CustomerNode(services.Grains, customerId, profile)
                : null;
        }
        return result;
    }

    private sealed class Pending(CustomerLoader loader, string key) : IDataLoaderResult<CustomerNode?>
    {
        public Task<CustomerNode?> GetResultAsync(CancellationToken cancellationToken = default) => loader.GetAsync(key, cancellationToken);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
