namespace CxActors;

/// <summary>The window W of the repeat-contact rules: whole hours, 1..720 (30 days), 24 by default.</summary>
public static class RepeatWindow
{
    public const int DefaultHours = 24;
    public const int MinHours = 1;
    public const int MaxHours = 720;

    public static bool IsValid(int hours) => hours is >= MinHours and <= MaxHours;

    public static TimeSpan Of(int hours)
    {
        if (!IsValid(hours))
            throw new ArgumentOutOfRangeException(nameof(hours), hours, $"The repeat window is {MinHours}..{MaxHours} hours.");
        return TimeSpan.FromHours(hours);
    }
}
