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
    private readonly Dictionary<string, Task<Dictionary<string, (string CustomerId, Task<CustomerProfile?> Profile)>>> _batches = new(StringComparer.Ordinal);

    /// <summary>The customer with this e-mail (already trimmed and lower-cased), or null when unknown.</summary>
    public IDataLoaderResult<CustomerNode?> ByEmail(string email) => Enqueue(email);

    /// <summary>The customer this phone (E.164) is linked to, or null when none is.</summary>
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
        Task<Dictionary<string, (string CustomerId, Task<CustomerProfile?> Profile)>> batch;
        string[]? keys = null;
        TaskCompletionSource<Dictionary<string, (string CustomerId, Task<CustomerProfile?> Profile)>>? run = null;
        lock (_gate)
        {
            if (_queued.Count > 0)
            {
                keys = _queued.ToArray();
                _queued.Clear();
                run = new();
                foreach (var k in keys)
                    _batches[k] = run.Task;
            }
            batch = _batches[key];
        }
        if (run is not null)
        {
            // Outside the lock; an all-e-mail batch issues its grain calls before this returns.
            try
            {
                run.SetResult(await RunBatchAsync(keys!, cancellationToken));
            }
            catch (Exception ex)
            {
                run.SetException(ex);
            }
        }
        // Each key waits for its own grain only: one customer's failure is not every alias's failure.
        if (!(await batch.WaitAsync(cancellationToken)).TryGetValue(key, out var found))
            return null;
        return await found.Profile.WaitAsync(cancellationToken) is { } profile ? new CustomerNode(services.Grains, found.CustomerId, profile) : null;
    }

    /// <summary>One MySQL query for the batch's phones, then every distinct customer's grain at once.</summary>
    private async Task<Dictionary<string, (string CustomerId, Task<CustomerProfile?> Profile)>> RunBatchAsync(string[] keys, CancellationToken cancellationToken)
    {
        var phones = new List<string>();
        foreach (var key in keys)
        {
            if (key[0] == '#')
                phones.Add(key[1..]);
        }
        var links = phones.Count == 0
            ? null
            : await services.Reporting.CustomersByPhoneAsync(phones, cancellationToken);

        var profiles = new Dictionary<string, Task<CustomerProfile?>>(StringComparer.Ordinal);
        var result = new Dictionary<string, (string, Task<CustomerProfile?>)>(keys.Length, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            string? customerId = key[0] != '#' ? key : links!.GetValueOrDefault(key[1..]);
            if (customerId is null)
                continue;
            if (!profiles.TryGetValue(customerId, out var profile))
                profiles[customerId] = profile = services.Grains.GetCustomer(customerId).GetProfileAsync();
            result[key] = (customerId, profile);
        }
        return result;
    }

    private sealed class Pending(CustomerLoader loader, string key) : IDataLoaderResult<CustomerNode?>
    {
        public Task<CustomerNode?> GetResultAsync(CancellationToken cancellationToken = default) => loader.GetAsync(key, cancellationToken);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}
