namespace CxActors.Customers;

/// <summary>What the repeat rules need of one contact: its place in the customer's order and its channel.</summary>
public readonly record struct ContactPoint(DateTime StartedAt, string Id, Channel Channel)
{
    /// <summary>The customer's contact order: startedAt, then interaction id (ordinal, as MySQL's ascii_bin).</summary>
    public int CompareTo(DateTime startedAt, string id)
    {
        var byTime = StartedAt.CompareTo(startedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(Id, id);
    }
}
