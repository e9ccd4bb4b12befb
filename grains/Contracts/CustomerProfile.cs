namespace CxActors;

/// <summary>A customer's profile and aggregates, as the grain holds them live.</summary>
[GenerateSerializer, Immutable, Alias("cx.CustomerProfile")]
public sealed record CustomerProfile
{
    [Id(0)] public required string CustomerId { get; init; }
    [Id(1)] public string? Name { get; init; }
    [Id(2)] public required IReadOnlyList<string> Phones { get; init; }
    [Id(3)] public required int TotalContacts { get; init; }
    /// <summary>One entry per channel with at least one interaction, in <see cref="Channel"/> order.</summary>
    [Id(4)] public required IReadOnlyList<ChannelCount> ChannelCounts { get; init; }
    [Id(5)] public required DateTime FirstContactAt { get; init; }
    [Id(6)] public required Interaction LastInteraction { get; init; }
}
