namespace CxActors.Api.Schema;

/// <summary>Time windows (since, until]: until defaults to now, since to until - 24 h.</summary>
public static class Window
{
    public static readonly TimeSpan Day = TimeSpan.FromHours(24);

    public static (DateTime Since, DateTime Until) From(IResolveFieldContext context, DateTime utcNow)
    {
        var until = context.GetArgument<DateTime?>("until") ?? utcNow;
        var since = context.GetArgument<DateTime?>("since") ?? DayBefore(until);
        return (since, until);
    }

    /// <summary>until - 24 h, saturating at the smallest representable instant.</summary>
    public static DateTime DayBefore(DateTime until) =>
        until.Ticks - DateTime.MinValue.Ticks < Day.Ticks ? DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc) : until - Day;
}
