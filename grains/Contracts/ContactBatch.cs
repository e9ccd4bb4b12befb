namespace CxActors;

/// <summary>
/// Interactions one silo's log writer has just committed (one flush, or a few flushes in a row), as the live contact
/// feed carries them to every silo's subscribers. <see cref="CommittedAt"/> is when the first of them was committed.
/// </summary>
[GenerateSerializer, Immutable, Alias("cx.ContactBatch")]
public sealed record ContactBatch
{
    [Id(0)] public required Interaction[] Interactions { get; init; }
    [Id(1)] public required DateTime CommittedAt { get; init; }
}
