namespace CxActors;

/// <summary>
/// The customer's interactions could not be made durable now (MySQL unreachable, or the grain found its view
/// stale and is reloading). Nothing of the failed call was acknowledged; re-delivering it is safe.
/// </summary>
[GenerateSerializer, Alias("cx.CustomerUnavailableException")]
public sealed class CustomerUnavailableException : Exception
{
    public CustomerUnavailableException() { }
    public CustomerUnavailableException(string message) : base(message) { }
    public CustomerUnavailableException(string message, Exception inner) : base(message, inner) { }
}
