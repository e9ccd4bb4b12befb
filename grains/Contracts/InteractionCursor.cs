namespace CxActors;

/// <summary>Position after which the next page starts: the last row's (startedAt, id).</summary>
[GenerateSerializer, Immutable, Alias("cx.InteractionCursor")]
public sealed record InteractionCursor([property: Id(0)] DateTime StartedAt, [property: Id(1)] string Id);
