namespace CxActors.Api.Schema;

/// <summary>Paging arguments shared by every list.</summary>
public static class Paging
{
    public const int DefaultFirst = 20;
    public const int MaxFirst = 100;

    /// <summary>The <c>first</c> argument, checked to lie in 1..100 (never clamped).</summary>
    public static int First(IResolveFieldContext context)
    {
        var first = context.GetArgument("first", DefaultFirst);
        if (first is < 1 or > MaxFirst)
            throw new ExecutionError($"Argument 'first' must be between 1 and {MaxFirst}; got {first}.") { Code = ErrorCodes.InvalidArgument };
        return first;
    }
}
