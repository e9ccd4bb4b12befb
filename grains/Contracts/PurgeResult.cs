namespace CxActors;

/// <summary>What a retention purge removed of one customer's interactions, and how many remain.</summary>
[GenerateSerializer, Immutable, Alias("cx.PurgeResult")]
public sealed record PurgeResult([property: Id(0)] int Purged, [property: Id(1)] int Remaining);
