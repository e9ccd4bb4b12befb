using CxActors.Api.Schema;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Data;

/// <summary>
/// Bounds how many fleet-wide (cross-customer) MySQL queries run at once in this silo
/// (<see cref="GraphQLApiOptions.FleetQueryConcurrency"/>), so that the costliest permitted documents cannot take the
/// connection pool and MySQL's CPU from ingest and per-customer reads. A query that cannot get a slot within
/// <see cref="GraphQLApiOptions.FleetQueryWait"/> fails its field with SERVICE_UNAVAILABLE (retry later); per-customer
/// reads never pass through here.
/// </summary>
public sealed class FleetQueryGate(IOptions<GraphQLApiOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.FleetQueryConcurrency, options.Value.FleetQueryConcurrency);
    private readonly TimeSpan _wait = options.Value.FleetQueryWait;

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    public async ValueTask<Slot> EnterAsync(CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(_wait, cancellationToken).ConfigureAwait(false))
        {
            throw new ExecutionError("Too many fleet-wide queries are running; retry shortly.") { Code = ErrorCodes.ServiceUnavailable };
        }
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>A held slot; disposing it twice gives it back once.</summary>
    public sealed class Slot : IDisposable
    {
        private SemaphoreSlim? _slots;

        internal Slot(SemaphoreSlim slots) => _slots = slots;

        public void Dispose() => Interlocked.Exchange(ref _slots, null)?.Release();
    }
}
