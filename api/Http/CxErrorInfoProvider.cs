using GraphQL.Execution;
using GraphQL.Validation;

namespace CxActors.Api.Http;

/// <summary>
/// GraphQL.NET's error formatting (message, locations, path, extensions.code; no exception details), plus the
/// reason of an input value our scalars refused, which GraphQL.NET would otherwise keep to itself, and the request id of
/// a masked error (<c>extensions.requestId</c>), under which the full exception was logged.
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
        var requestId = executionError.InnerException switch
        {
            InternalServerErrorException masked => masked.RequestId,
            ServiceUnavailableException masked => masked.RequestId,
            _ => null,
        };
        if (requestId is not null)
            (info.Extensions ??= new Dictionary<string, object?>())["requestId"] = requestId;
        return info;
    }
}
