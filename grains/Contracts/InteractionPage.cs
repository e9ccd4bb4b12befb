namespace CxActors;

/// <summary>One page of a customer's interactions, newest first, with the total and whether more follow.</summary>
[GenerateSerializer, Immutable, Alias("cx.InteractionPage")]
public sealed record InteractionPage(
    [property: Id(0)] int TotalCount,
    [property: Id(1)] IReadOnlyList<Interaction> Nodes,
    [property: Id(2)] bool HasNextPage);
