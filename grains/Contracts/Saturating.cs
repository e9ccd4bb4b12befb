namespace CxActors;

/// <summary>Instant arithmetic that stops at the ends of <see cref="DateTime"/> instead of throwing (UTC kept).</summary>
public static class Saturating
{
    private static readonly DateTime Min = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
    private static readonly DateTime Max = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);

    public static DateTime Subtract(DateTime instant, TimeSpan span) =>
        instant.Ticks - DateTime.MinValue.Ticks < span.Ticks ? Min : instant - span;

    public static DateTime Add(DateTime instant, TimeSpan span) =>
        DateTime.MaxValue.Ticks - instant.Ticks < span.Ticks ? Max : instant + span;
}
