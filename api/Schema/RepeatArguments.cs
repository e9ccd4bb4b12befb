namespace CxActors.Api.Schema;

/// <summary>The arguments of the repeat-contact fields, checked (never clamped) with INVALID_ARGUMENT errors.</summary>
public static class RepeatArguments
{
    public const string WithinHoursDescription = "The window W in hours, 1..720.";

    public static int WithinHours(IResolveFieldContext context)
    {
        var hours = context.GetArgument("withinHours", RepeatWindow.DefaultHours);
        if (!RepeatWindow.IsValid(hours))
            throw Invalid($"Argument 'withinHours' must be between {RepeatWindow.MinHours} and {RepeatWindow.MaxHours}; got {hours}.");
        return hours;
    }

    public static int MinRepeats(IResolveFieldContext context)
    {
        var min = context.GetArgument("minRepeats", 1);
        if (min < 1)
            throw Invalid($"Argument 'minRepeats' must be at least 1; got {min}.");
        return min;
    }

    public static void SinceBeforeUntil(DateTime since, DateTime until)
    {
        if (since >= until)
            throw Invalid("Argument 'since' must be before 'until'.");
    }

    private static ExecutionError Invalid(string message) => new(message) { Code = ErrorCodes.InvalidArgument };
}
