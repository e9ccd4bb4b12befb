namespace CxActors;

/// <summary>What a customer's erasure removed from the log, the customers table and the snapshots.</summary>
[GenerateSerializer, Immutable, Alias("cx.EraseResult")]
public sealed record EraseResult(
    [property: Id(0)] int Interactions,
    [property: Id(1)] int CustomerRows,
    [property: Id(2)] int Snapshots);
