namespace CxActors.Api.Schema;

/// <summary>The <c>extensions.code</c> values this API sets itself (GraphQL.NET adds its own for parse and validation errors).</summary>
public static class ErrorCodes
{
    public const string InvalidArgument = "INVALID_ARGUMENT";
    public const string InvalidCursor = "INVALID_CURSOR";
    public const string InvalidRequest = "INVALID_REQUEST";
    public const string InternalServerError = "INTERNAL_SERVER_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
}

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
