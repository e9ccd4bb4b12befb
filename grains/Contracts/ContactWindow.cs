namespace CxActors;

/// <summary>
/// The one window rule every count follows: contacts with <see cref="SinceExclusive"/> &lt; startedAt &lt;=
/// <see cref="UntilInclusive"/>. A contact exactly at the start of a 24-hour window belongs to the previous one, so
/// consecutive windows never count a contact twice. The grains, their SQL fallbacks and the fleet queries use it.
/// </summary>
public readonly record struct ContactWindow(DateTime SinceExclusive, DateTime UntilInclusive)
{
    public static readonly TimeSpan Day = TimeSpan.FromHours(24);

    /// <summary>The rule over the <c>interactions</c> table, with parameters <c>@since</c> and <c>@until</c>.</summary>
    public const string SqlCondition = "started_at > @since AND started_at <= @until";

    /// <summary>until &lt;= since: nothing can be in it.</summary>
    public bool IsEmpty => UntilInclusive <= SinceExclusive;

    public bool Contains(DateTime startedAt) => startedAt > SinceExclusive && startedAt <= UntilInclusive;

    /// <summary>The window ending at <paramref name="until"/> and starting at <paramref name="since"/>, or 24 h before.</summary>
    public static ContactWindow EndingAt(DateTime until, DateTime? since = null) => new(since ?? DayBefore(until), until);

    /// <summary>until - 24 h, saturating at the smallest representable instant.</summary>
    public static DateTime DayBefore(DateTime until) =>
        until.Ticks - DateTime.MinValue.Ticks < Day.Ticks ? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc) : until - Day;
}
