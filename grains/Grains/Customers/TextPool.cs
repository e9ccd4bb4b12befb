using System.Collections.Concurrent;

namespace CxActors.Customers;

/// <summary>
/// One shared instance per distinct short value of the low-cardinality fields (agent, status, queue,
/// classifications, source): 100,000 grains each holding "Dúvidas Gerais" should hold one string, not 100,000.
/// Bounded, so that a stream of unique values cannot grow it without limit; past the bound values are kept as they are.
/// </summary>
public static class TextPool
{
    private const int MaxEntries = 50_000;
    private const int MaxLength = 64;
    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);

    public static string? Share(string? value)
    {
        if (value is null || value.Length > MaxLength)
            return value;
        if (Pool.TryGetValue(value, out var shared))
            return shared;
        return Pool.Count < MaxEntries ? Pool.GetOrAdd(value, value) : value;
    }
}
