namespace CxActors.Customers;

/// <summary>
/// The repeat-contact rules over a customer's contacts in (startedAt, id) order. Each method is given every contact
/// in the neighbourhood it names, so that the answer is the one the whole history gives.
/// </summary>
public static class RepeatRules
{
    /// <summary>
    /// The flags of contact (<paramref name="startedAt"/>, <paramref name="id"/>); <paramref name="ordered"/> holds every
    /// contact with startedAt in [startedAt - W, startedAt + W], ascending.
    /// </summary>
    public static ContactResolution Classify(IReadOnlyList<ContactPoint> ordered, string id, DateTime startedAt, Channel channel,
        TimeSpan window, DateTime asOf)
    {
        var earliest = Saturating.Subtract(startedAt, window);
        var latest = Saturating.Add(startedAt, window);
        ContactPoint? previous = null;
        var repeated = false;
        foreach (var point in ordered)
        {
            var order = point.CompareTo(startedAt, id);
            if (order < 0 && point.StartedAt >= earliest)
                previous = point; // ascending: the last one is the latest earlier contact
            else if (order > 0 && point.StartedAt <= latest && point.StartedAt <= asOf)
                repeated = true;
        }
        var resolution = repeated ? Resolution.Repeated : asOf < latest ? Resolution.Open : Resolution.Resolved;
        return new ContactResolution(previous is not null, previous is { } p && p.Channel != channel, resolution);
    }

    /// <summary>
    /// Repeats (or channel switches) among the contacts in <paramref name="contacts"/> on <paramref name="channel"/>
    /// when given; <paramref name="ordered"/> holds every contact with startedAt in [since - W, until], ascending.
    /// </summary>
    public static int CountRepeats(IReadOnlyList<ContactPoint> ordered, ContactWindow contacts, TimeSpan window, Channel? channel, bool switchesOnly)
    {
        var count = 0;
        for (var i = 1; i < ordered.Count; i++)
        {
            var contact = ordered[i];
            if (!contacts.Contains(contact.StartedAt) || channel is { } c && contact.Channel != c)
                continue;
            // The list is complete from since - W on, so the entry before is the latest earlier contact whenever
            // that one is within W.
            var previous = ordered[i - 1];
            if (previous.StartedAt >= Saturating.Subtract(contact.StartedAt, window) && (!switchesOnly || previous.Channel != contact.Channel))
                count++;
        }
        return count;
    }
}
