namespace CxActors.Api.Tests.Repeats;

/// <summary>One contact as the brute-force reference sees it.</summary>
public sealed record RefContact(string Customer, string Id, Channel Channel, DateTime StartedAt);

/// <summary>
/// The README's definitions, computed literally over a whole history by comparing every pair of contacts (quadratic on
/// purpose: nothing shared with the service's neighbour and window logic).
/// </summary>
public static class ResolutionReference
{
    /// <summary>c' comes before c in the customer's order: an earlier start, or the same start and a smaller id.</summary>
    public static bool Before(RefContact other, RefContact c) =>
        other.StartedAt < c.StartedAt || other.StartedAt == c.StartedAt && string.CompareOrdinal(other.Id, c.Id) < 0;

    /// <summary>The latest contact c' of c's customer with c.startedAt - W &lt;= c'.startedAt and c' before c; null when none.</summary>
    public static RefContact? Predecessor(IReadOnlyList<RefContact> all, RefContact c, TimeSpan w)
    {
        RefContact? latest = null;
        foreach (var other in all)
        {
            if (other.Customer != c.Customer || other.Id == c.Id || !Before(other, c) || other.StartedAt < c.StartedAt - w)
                continue;
            if (latest is null || Before(latest, other))
                latest = other;
        }
        return latest;
    }

    public static bool IsRepeat(IReadOnlyList<RefContact> all, RefContact c, TimeSpan w) => Predecessor(all, c, w) is not null;

    public static bool IsChannelSwitch(IReadOnlyList<RefContact> all, RefContact c, TimeSpan w) =>
        Predecessor(all, c, w) is { } p && p.Channel != c.Channel;

    /// <summary>REPEATED, OPEN or RESOLVED as of <paramref name="asOf"/>: contacts after asOf do not exist.</summary>
    public static string ResolutionAsOf(IReadOnlyList<RefContact> all, RefContact c, TimeSpan w, DateTime asOf)
    {
        var repeated = all.Any(other => other.Customer == c.Customer && other.Id != c.Id && other.StartedAt <= asOf
            && Before(c, other) && other.StartedAt <= c.StartedAt + w);
        if (repeated)
            return "REPEATED";
        return asOf < c.StartedAt + w ? "OPEN" : "RESOLVED";
    }

    /// <summary>Customer.repeatContacts / channelSwitches: contacts with since &lt; startedAt &lt;= until.</summary>
    public static int CustomerRepeats(IReadOnlyList<RefContact> all, string customer, DateTime since, DateTime until, TimeSpan w,
        Channel? channel, bool switchesOnly) =>
        all.Count(c => c.Customer == customer && c.StartedAt > since && c.StartedAt <= until && (channel is null || c.Channel == channel)
            && (switchesOnly ? IsChannelSwitch(all, c, w) : IsRepeat(all, c, w)));

    /// <summary>Query.resolutionStats as "CHANNEL contacts repeats switches resolved repeated open fcr" lines.</summary>
    public static List<string> Stats(IReadOnlyList<RefContact> all, DateTime since, DateTime until, TimeSpan w, DateTime asOf)
    {
        var lines = new List<string>();
        foreach (var channel in Channels.All)
        {
            var contacts = all.Where(c => c.Channel == channel && c.StartedAt >= since && c.StartedAt < until && c.StartedAt <= asOf).ToList();
            if (contacts.Count == 0)
                continue;
            var resolutions = contacts.Select(c => ResolutionAsOf(all, c, w, asOf)).ToList();
            int resolved = resolutions.Count(r => r == "RESOLVED"), repeated = resolutions.Count(r => r == "REPEATED");
            lines.Add(StatsLine(channel.ToCode(), contacts.Count, contacts.Count(c => IsRepeat(all, c, w)), contacts.Count(c => IsChannelSwitch(all, c, w)),
                resolved, repeated, resolutions.Count(r => r == "OPEN"), resolved + repeated == 0 ? null : (double)resolved / (resolved + repeated)));
        }
        return lines;
    }

    public static string StatsLine(string channel, int contacts, int repeats, int switches, int resolved, int repeated, int open, double? fcr) =>
        $"{channel} {contacts} {repeats} {switches} {resolved} {repeated} {open} {(fcr is { } f ? f.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "null")}";

    /// <summary>Query.repeatCallers: "customer repeats" lines, most repeats first, then customer id (ordinal).</summary>
    public static List<string> RepeatCallers(IReadOnlyList<RefContact> all, DateTime since, DateTime until, TimeSpan w, int minRepeats) =>
        all.Select(c => c.Customer).Distinct()
            .Select(k => (Customer: k, Repeats: CustomerRepeats(all, k, since, until, w, null, switchesOnly: false)))
            .Where(r => r.Repeats >= minRepeats)
            .OrderByDescending(r => r.Repeats).ThenBy(r => r.Customer, StringComparer.Ordinal)
            .Select(r => $"{r.Customer} {r.Repeats}").ToList();
}
