namespace CxActors.Storage;

/// <summary>The rows were rolled back because some were already in the log (a re-delivery the grain did not see).</summary>
public sealed class InteractionConflictException(string customerId)
    : Exception("Some of the customer's interactions were already recorded; the customer's history must be reloaded.")
{
    // The customer id is kept for the caller, never put in the message: messages reach logs, and ids are e-mails.
    public string CustomerId { get; } = customerId;
}
