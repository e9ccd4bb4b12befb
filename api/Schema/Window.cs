namespace CxActors.Api.Schema;

/// <summary>Time windows (since, until]: until defaults to now, since to until - 24 h.</summary>
public static class Window
{
    public static (DateTime Since, DateTime Until) From(IResolveFieldContext context, DateTime utcNow)
    {
        var until = context.GetArgument<DateTime?>("until") ?? utcNow;
        var window = ContactWindow.EndingAt(until, context.GetArgument<DateTime?>("since"));
        return (window.SinceExclusive, window.UntilInclusive);
    }
}
