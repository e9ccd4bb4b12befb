using GraphQL.Execution;
using GraphQL.Validation;

namespace CxActors.Api.Http;

/// <summary>An input value this API refuses, with the reason a client can act on.</summary>
public sealed class CxInputException(string message) : Exception(message);

/// <summary>
/// GraphQL.NET's error formatting (message, locations, path, extensions.code; no exception details), plus the
/// reason of an input value our scalars refused, which GraphQL.NET would otherwise keep to itself.
/// </summary>
public sealed class CxErrorInfoProvider() : ErrorInfoProvider(new ErrorInfoProviderOptions { ExposeExceptionDetails = false })
{
    private const string DateTimeHint =
        " A DateTime is an ISO-8601 date and time with Z or a UTC offset, e.g. 2024-03-01T10:00:00Z or 2024-03-01T07:00:00-03:00.";

    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        var info = base.GetInfo(executionError);
        if (executionError.InnerException is CxInputException input)
            info.Message = $"{info.Message} {input.Message}";
        else if (executionError is ValidationError && executionError.Message.Contains("'DateTime'", StringComparison.Ordinal))
            info.Message += DateTimeHint;
        return info;
    }
}
