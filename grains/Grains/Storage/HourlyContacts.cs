namespace CxActors.Storage;

/// <summary>
/// One change to a <c>contact_stats_hourly</c> row: contacts (negative for deletions) that started in the UTC
/// <see cref="Hour"/> on <see cref="Channel"/>.
/// </summary>
internal readonly record struct HourlyContacts(DateTime Hour, Channel Channel, int Contacts)
{
    /// <summary>The UTC hour an interaction started in, as the table keys it.</summary>
    public static DateTime HourOf(DateTime startedAt) =>
        new(startedAt.Ticks - startedAt.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);

    /// <summary>
    /// A flush's rows counted per (hour, channel), in key order: every writer loop locks the rollup rows in the same
    /// order, so two flushes that touch the same hours wait for each other instead of deadlocking.
    /// </summary>
    public static List<HourlyContacts> Of(IReadOnlyList<LoggedInteraction> rows)
    {
        var counts = new Dictionary<(DateTime, Channel), int>();
        foreach (var row in rows)
        {
            var key = (HourOf(row.Interaction.StartedAt), row.Interaction.Channel);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return Sorted(counts.Select(c => new HourlyContacts(c.Key.Item1, c.Key.Item2, c.Value)));
    }

    public static List<HourlyContacts> Sorted(IEnumerable<HourlyContacts> changes)
    {
        var list = changes.ToList();
        // The table's key order: hour, then channel by its stored code.
        list.Sort((a, b) => a.Hour != b.Hour ? a.Hour.CompareTo(b.Hour) : string.CompareOrdinal(a.Channel.ToCode(), b.Channel.ToCode()));
        return list;
    }
}
