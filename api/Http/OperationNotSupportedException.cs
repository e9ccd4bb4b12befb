namespace CxActors.Api.Http;

/// <summary>A mutation or subscription: this API answers queries only.</summary>
public sealed class OperationNotSupportedException() : Exception("This API has no mutations or subscriptions: send a query operation.");
