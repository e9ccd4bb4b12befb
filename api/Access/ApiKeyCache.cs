using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Security.Cryptography;

namespace CxActors.Access;

/// <summary>
/// The live (not revoked) keys of the database, held in memory so that authenticating a request costs a SHA-256 and a
/// dictionary lookup, no MySQL round trip. <see cref="ApiKeyRefresher"/> replaces the whole set every few seconds; until
/// the first load succeeds no key is known (and readiness says so). When MySQL is unreachable the last set stays.
/// </summary>
public sealed class ApiKeyCache
{
    public sealed record Entry(string Name, byte[] Hash, IReadOnlyList<string> Scopes);

    private volatile Snapshot _snapshot = new(FrozenDictionary<string, Entry>.Empty, FrozenDictionary<string, Entry>.Empty, Loaded: false);
    private readonly ConcurrentDictionary<string, DateTime> _uses = new(StringComparer.Ordinal);

    private sealed record Snapshot(FrozenDictionary<string, Entry> ByHash, FrozenDictionary<string, Entry> ByName, bool Loaded);

    /// <summary>True once a load from MySQL has succeeded.</summary>
    public bool Loaded => _snapshot.Loaded;

    public int Count => _snapshot.ByName.Count;

    /// <summary>The live key whose SHA-256 equals that of <paramref name="key"/>, else null.</summary>
    public Entry? Find(string key)
    {
        if (!ApiKeys.IsWellFormed(key))
            return null;
        var hash = ApiKeys.Hash(key);
        // The lookup is by the hash of a 256-bit secret, which tells an attacker nothing; the final comparison is
        // constant-time all the same.
        return _snapshot.ByHash.TryGetValue(Convert.ToHexString(hash), out var entry) && CryptographicOperations.FixedTimeEquals(entry.Hash, hash)
            ? entry
            : null;
    }

    /// <summary>The live key of this name (a cookie session is only as good as the key it was opened with).</summary>
    public Entry? FindByName(string name) => _snapshot.ByName.GetValueOrDefault(name);

    public void Replace(IEnumerable<ApiKeyRecord> keys)
    {
        var entries = keys.Where(k => k.RevokedAt is null).Select(k => new Entry(k.Name, k.Hash, k.Scopes)).ToList();
        _snapshot = new Snapshot(
            entries.ToFrozenDictionary(e => Convert.ToHexString(e.Hash), StringComparer.Ordinal),
            entries.ToFrozenDictionary(e => e.Name, StringComparer.Ordinal),
            Loaded: true);
    }

    /// <summary>Notes a use; written to <c>last_used_at</c> behind, in batches.</summary>
    public void RecordUse(string name) => _uses[name] = DateTime.UtcNow;

    /// <summary>The uses noted since the last call.</summary>
    public Dictionary<string, DateTime> TakeUses()
    {
        var taken = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var name in _uses.Keys)
            if (_uses.TryRemove(name, out var at))
                taken[name] = at;
        return taken;
    }

    /// <summary>Puts back uses that could not be written (a later use of the same key wins).</summary>
    public void ReturnUses(Dictionary<string, DateTime> uses)
    {
        foreach (var (name, at) in uses)
            _uses.AddOrUpdate(name, at, (_, newer) => newer > at ? newer : at);
    }
}
