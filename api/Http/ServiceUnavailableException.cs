namespace CxActors.Api.Http;

/// <summary>Stands in for storage being unreachable: the client may retry. Logged with <see cref="RequestId"/>.</summary>
public sealed class ServiceUnavailableException(string? requestId = null) : Exception("The customer's data is unavailable right now; retry shortly.")
{
    public string? RequestId { get; } = requestId;
}
