namespace CxActors.Api.Http;

/// <summary>
/// Stands in for a resolver's unexpected exception, so that clients see only this message and code, and the request
/// id the full exception was logged with.
/// </summary>
public sealed class InternalServerErrorException(string? requestId = null) : Exception("Internal server error; it has been logged.")
{
    public string? RequestId { get; } = requestId;
}
