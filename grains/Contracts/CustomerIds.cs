namespace CxActors;

/// <summary>
/// A customer's id is their e-mail address, trimmed and lower-cased. The ingest adapters validate and normalise
/// addresses here, and a lookup by id (GraphQL) normalises what it is given the same way, so both meet on one key.
/// </summary>
public static class CustomerIds
{
    /// <summary>Longest id (and e-mail address) accepted: the customers table's key column.</summary>
    public const int MaxLength = 254;

    /// <summary>
    /// Trimmed and lower-cased (invariant culture), without validation: the form a lookup compares with stored ids.
    /// </summary>
    public static string Normalize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return id.Trim().ToLowerInvariant();
    }

    /// <summary>
    /// Pragmatic check, not RFC 5322: exactly one '@', a non-empty local part, a dotted domain without empty
    /// labels, no white space or control characters, at most <see cref="MaxLength"/> characters once trimmed.
    /// On success <paramref name="email"/> is the trimmed, lower-cased address; otherwise it is empty.
    /// </summary>
    public static bool TryNormalizeEmail(ReadOnlySpan<char> raw, out string email)
    {
        email = "";
        var s = raw.Trim();
        if (s.Length is 0 or > MaxLength)
            return false;
        var at = s.IndexOf('@');
        if (at <= 0)
            return false;
        var domain = s[(at + 1)..];
        if (domain.Contains('@') || domain.IndexOf('.') < 0 || domain[0] == '.' || domain[^1] == '.' || domain.Contains("..", StringComparison.Ordinal))
            return false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                return false;
        }
        Span<char> lower = stackalloc char[s.Length];
        s.ToLowerInvariant(lower);
        email = new string(lower);
        return true;
    }
}
