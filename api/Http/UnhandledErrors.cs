namespace CxActors.Api.Http;

/// <summary>Stands in for a resolver's unexpected exception, so that clients see only this message and code.</summary>
public sealed class InternalServerErrorException() : Exception("Internal server error; it has been logged.");

/// <summary>Stands in for storage being unreachable: the client may retry.</summary>
public sealed class ServiceUnavailableException() : Exception("The customer's data is unavailable right now; retry shortly.");

/// <summary>A mutation or subscription: this API answers queries only.</summary>
public sealed class OperationNotSupportedException() : Exception("This API has no mutations or subscriptions: send a query operation.");
