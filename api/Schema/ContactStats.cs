using CxActors.Api.Data;

namespace CxActors.Api.Schema;

/// <summary>
/// The rules of <c>contactStats</c>: its arguments checked, and the UTC hourly rollups summed into the hours or days
/// of the asked time zone. Only zones whose UTC offset is a whole number of hours can be answered from hourly rows (a
/// local hour or day is then a run of whole UTC hours); others are refused with UNSUPPORTED_TIME_ZONE rather than
/// answered approximately.
/// </summary>
public static class ContactStats
{
    /// <summary>HOUR buckets: at most a leap year of hours (8,784 per channel) in one answer.</summary>
    public static readonly TimeSpan MaxHourRange = TimeSpan.FromDays(366);

    /// <summary>DAY buckets: at most ten leap years; the read covers at most 87,840 hours × 4 channels of rollup rows.</summary>
    public static readonly TimeSpan MaxDayRange = TimeSpan.FromDays(3660);

    /// <summary>The IANA zone named <paramref name="id"/>, or an UNKNOWN_TIME_ZONE error.</summary>
    public static TimeZoneInfo TimeZone(string id)
    {
        // IANA names are short paths of letters, digits, '_', '+', '-' (America/Sao_Paulo, Etc/GMT+3): anything else
        // never reaches the file lookup.
        if (id.Length is > 0 and <= 64 && !id.Contains("..", StringComparison.Ordinal) && !id.StartsWith('/')
            && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '+' or '-'))
        {
            try
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
                // A Windows name converted by the runtime is not an IANA name.
                if (zone.HasIanaId || string.Equals(id, "UTC", StringComparison.Ordinal))
                    return zone;
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                // Falls through to the error below.
            }
        }
        throw new ExecutionError($"Argument 'timeZone' must be an IANA time zone name such as America/Sao_Paulo or UTC; got '{Quote(id)}'.")
        { Code = ErrorCodes.UnknownTimeZone };
    }

    /// <summary>since &lt; until, within the bucket's longest range, in a whole-hour zone, both on whole hours.</summary>
    public static void Check(DateTime since, DateTime until, Bucket bucket, TimeZoneInfo zone)
    {
        if (since >= until)
            throw Invalid($"Argument 'since' must be before 'until'; got since {CxDateTimeGraphType.Format(since)}, until {CxDateTimeGraphType.Format(until)}.");
        var longest = bucket == Bucket.Hour ? MaxHourRange : MaxDayRange;
        if (until - since > longest)
            throw new ExecutionError($"The range from 'since' to 'until' may be at most {longest.TotalDays:0} days with {(bucket == Bucket.Hour ? "HOUR" : "DAY")} buckets; ask for several ranges.")
            { Code = ErrorCodes.RangeTooLong };
        if (NonWholeHourOffset(zone, since, until) is { } offset)
            throw new ExecutionError(
                $"Time zone {zone.Id} is {Format(offset)} from UTC in the range: contactStats answers time zones whose offset is a whole number of hours.")
            { Code = ErrorCodes.UnsupportedTimeZone };
        // In a whole-hour zone a whole local hour is a whole UTC hour.
        if (since.Ticks % TimeSpan.TicksPerHour != 0 || until.Ticks % TimeSpan.TicksPerHour != 0)
            throw Invalid($"Arguments 'since' and 'until' must fall on whole hours of {zone.Id}; got since {CxDateTimeGraphType.Format(since)}, until {CxDateTimeGraphType.Format(until)}.");
    }

    /// <summary>Sums hourly counts into buckets, ordered by start, then channel in the enum's order; empty buckets left out.</summary>
    public static List<ContactStatsBucket> Group(IEnumerable<HourlyContactCount> hours, Bucket bucket, TimeZoneInfo zone)
    {
        var sums = new Dictionary<(DateTime Start, Channel Channel), int>();
        var dayStarts = new Dictionary<DateTime, DateTime>();
        foreach (var hour in hours)
        {
            var start = bucket == Bucket.Hour ? hour.Hour : DayStart(zone, hour.Hour, dayStarts);
            var key = (start, hour.Channel);
            sums[key] = sums.GetValueOrDefault(key) + hour.Contacts;
        }
        return [.. sums.Where(s => s.Value > 0)
            .OrderBy(s => s.Key.Start).ThenBy(s => s.Key.Channel)
            .Select(s => new ContactStatsBucket(s.Key.Start, s.Key.Channel, s.Value))];
    }

    /// <summary>
    /// The UTC instant the zone's local day containing <paramref name="utcHour"/> begins: the first whole UTC hour whose
    /// local time is on that date (local midnight, or 01:00 on a day whose midnight the clocks skip).
    /// </summary>
    public static DateTime DayStart(TimeZoneInfo zone, DateTime utcHour, Dictionary<DateTime, DateTime> cache)
    {
        var date = TimeZoneInfo.ConvertTimeFromUtc(utcHour, zone).Date;
        if (cache.TryGetValue(date, out var start))
            return start;
        // The day's start is at most 14 hours (the greatest offset) plus a daylight shift before the date's midnight
        // read as UTC, and no later than this hour.
        var candidate = utcHour.AddHours(-48);
        while (TimeZoneInfo.ConvertTimeFromUtc(candidate, zone).Date < date)
            candidate = candidate.AddHours(1);
        start = DateTime.SpecifyKind(candidate, DateTimeKind.Utc);
        cache[date] = start;
        return start;
    }

    /// <summary>An offset of the zone in [since, until) that is not whole hours, if any (sampled daily, each change found to the hour).</summary>
    private static TimeSpan? NonWholeHourOffset(TimeZoneInfo zone, DateTime since, DateTime until)
    {
        var previous = zone.GetUtcOffset(since);
        if (previous.Ticks % TimeSpan.TicksPerHour != 0)
            return previous;
        for (var day = since; day < until; day = day.AddDays(1))
        {
            var next = day.AddDays(1) < until ? day.AddDays(1) : until.AddTicks(-1);
            var offset = zone.GetUtcOffset(next);
            if (offset == previous)
                continue;
            // The offset changed within the day: look at each of its hours.
            for (var hour = day; hour <= next; hour = hour.AddHours(1))
            {
                var o = zone.GetUtcOffset(hour);
                if (o.Ticks % TimeSpan.TicksPerHour != 0)
                    return o;
            }
            if (offset.Ticks % TimeSpan.TicksPerHour != 0)
                return offset;
            previous = offset;
        }
        return null;
    }

    private static ExecutionError Invalid(string message) => new(message) { Code = ErrorCodes.InvalidArgument };

    private static string Format(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm");

    private static string Quote(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
