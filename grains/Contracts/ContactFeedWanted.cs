namespace CxActors;

/// <summary>
/// What a silo that has just come to want the live feed's batches (its first subscription) must tell every publisher
/// at once, rather than let them learn it at their next read of the directory: the new listeners, and the publishers.
/// </summary>
[GenerateSerializer, Immutable, Alias("cx.ContactFeedWanted")]
public sealed record ContactFeedWanted
{
    [Id(0)] public required ContactFeedListeners Listeners { get; init; }
    [Id(1)] public required IContactFeedPublisher[] Publishers { get; init; }
}
