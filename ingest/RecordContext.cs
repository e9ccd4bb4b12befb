using System.Globalization;
using System.Text;

namespace CxActors.Ingest;

/// <summary>The names a source uses for the fields the common rules check, so reasons speak the source's language.</summary>
internal sealed record FieldNames(string Start, string End, string Score);

/// <summary>
/// Per-body state shared by the adapters: the source time zone, the clock, and the problems found in the
/// current record. Problems are collected (not thrown) because rejections are routine in messy exports and
/// exceptions would dominate the cost of a bad file.
/// </summary>
internal sealed class RecordContext(TimeZoneInfo zone, TimeProvider clock, string phoneRegion = "BR")
{
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromHours(1);
    private readonly StringBuilder _problems = new();

    public bool Failed => _problems.Length > 0;

    public void Reset() => _problems.Clear();

    /// <summary>The joined problems of the current record, or null; clears them.</summary>
    public string? TakeReason()
    {
        if (_problems.Length == 0)
            return null;
        var reason = _problems.ToString();
        _problems.Clear();
        return reason;
    }

    public void Fail(string? field, string message)
    {
        if (_problems.Length > 0)
            _problems.Append("; ");
        if (field is not null)
            _problems.Append(field).Append(": ");
        _problems.Append(message);
    }

    /// <summary>Null when empty; a failure when present but not an address.</summary>
    public string? Email(string field, ReadOnlySpan<char> raw)
    {
        var s = raw.Trim();
        if (s.IsEmpty)
            return null;
        if (CustomerIds.TryNormalizeEmail(s, out var email))
            return email;
        Fail(field, $"{Echo.Quote(s)} is not a valid e-mail address");
        return null;
    }

    /// <summary>E.164 (<see cref="Phones"/>); null when empty; a failure when present but not a valid number.</summary>
    public string? Phone(string field, ReadOnlySpan<char> raw)
    {
        var s = raw.Trim();
        if (s.IsEmpty)
            return null;
        if (Phones.TryNormalize(s, phoneRegion, out var e164, out var problem))
            return e164;
        Fail(field, $"{Echo.Quote(s)} is not a valid phone number ({problem})");
        return null;
    }

    /// <summary><c>H:MM:SS</c> in seconds; null when empty.</summary>
    public int? Duration(string field, ReadOnlySpan<char> raw)
    {
        var s = raw.Trim();
        if (s.IsEmpty)
            return null;
        if (Fields.TryParseDuration(s, out var seconds))
            return seconds;
        Fail(field, $"{Echo.Quote(s)} is not a valid H:MM:SS duration");
        return null;
    }

    /// <summary>A local date and time in the source zone, as UTC; null when empty.</summary>
    public DateTime? LocalDateTime(string field, ReadOnlySpan<char> raw, DateOrder order, bool allowTwoDigitYear, string shape)
    {
        var s = raw.Trim();
        if (s.IsEmpty)
            return null;
        if (!Fields.TryParseDateTime(s, order, allowTwoDigitYear, out var local))
        {
            Fail(field, $"{Echo.Quote(s)} is not a valid {shape} date");
            return null;
        }
        return ToUtc(field, s, local);
    }

    /// <summary>
    /// Converts an offset-less local time in the source zone to UTC. A time that does not exist (the hour skipped
    /// when daylight saving starts) is rejected: nothing is guessed. A time that exists twice (the hour repeated
    /// when it ends) is taken at its first occurrence, i.e. with the daylight-time offset: both readings are
    /// plausible, and the earlier one keeps a contact that straddles the change in chronological order.
    /// </summary>
    public DateTime? ToUtc(string field, ReadOnlySpan<char> shown, DateTime local)
    {
        if (zone.IsInvalidTime(local))
        {
            Fail(field, $"{Echo.Quote(shown)} does not exist in {zone.Id} (skipped by the daylight-saving change)");
            return null;
        }
        TimeSpan offset;
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            offset = offsets.Max();
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }
        var ticks = local.Ticks - offset.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            Fail(field, $"{Echo.Quote(shown)} is out of range");
            return null;
        }
        return InteractionIdentity.NormalizeUtc(new DateTime(ticks, DateTimeKind.Utc));
    }

    /// <summary>
    /// The rules every draft obeys, whatever its source; call once the fields parsed cleanly.
    /// Returns the draft, or null when a rule failed (the reason is then pending in this context).
    /// </summary>
    public InteractionDraft? Check(InteractionDraft draft, FieldNames names)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (draft.StartedAt - now > FutureTolerance) // not now + tolerance: that overflows for a clock near the end of time
            Fail(names.Start, $"{Iso(draft.StartedAt)} is more than 1 h in the future");
        if (draft.EndedAt is { } ended && ended < draft.StartedAt)
            Fail(names.End, $"{Iso(ended)} is before the start {Iso(draft.StartedAt)}");
        if (draft.FeedbackScore is { } score && score is < 0 or > 10)
            Fail(names.Score, $"{score} is not between 0 and 10");
        if (draft.Email is null && draft.Phone is null)
            Fail(null, "no customer e-mail or phone");
        if (InteractionLimits.Check(draft) is { } tooLong)
            Fail(null, tooLong);
        return Failed ? null : draft;
    }

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'Z'", CultureInfo.InvariantCulture);
}
