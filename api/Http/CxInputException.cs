namespace CxActors.Api.Http;

/// <summary>An input value this API refuses, with the reason a client can act on.</summary>
public sealed class CxInputException(string message) : Exception(message);
