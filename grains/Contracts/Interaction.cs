namespace CxActors;

/// <summary>
/// One validated, normalised customer interaction, as it crosses into the customer's grain.
/// Times are UTC and truncated to whole milliseconds, so that identity, state and MySQL agree.
/// </summary>
[GenerateSerializer, Immutable, Alias("cx.Interaction")]
public sealed record Interaction
{
    /// <summary>Deterministic identity (see <see cref="InteractionIdentity"/>); the de-duplication key.</summary>
    [Id(0)] public required string Id { get; init; }
    /// <summary>The source system's id exactly as given, when it gave one.</summary>
    [Id(1)] public string? SourceId { get; init; }
    /// <summary>The e-mail address trimmed and lower-cased.</summary>
    [Id(2)] public required string CustomerId { get; init; }
    [Id(3)] public required Channel Channel { get; init; }
    [Id(4)] public required DateTime StartedAt { get; init; }
    [Id(5)] public DateTime? EndedAt { get; init; }
    [Id(6)] public string? Name { get; init; }
    [Id(7)] public string? Phone { get; init; }
    [Id(8)] public string? Agent { get; init; }
    [Id(9)] public string? Status { get; init; }
    [Id(10)] public string? Queue { get; init; }
    [Id(11)] public string? Classification { get; init; }
    [Id(12)] public string? SubClassification { get; init; }
    [Id(13)] public int? FeedbackScore { get; init; }
    [Id(14)] public string? FeedbackComment { get; init; }
    [Id(15)] public int? WaitSeconds { get; init; }
    [Id(16)] public int? HandleSeconds { get; init; }
    /// <summary>Which door it came in through: <c>api</c>, or the channel export's name.</summary>
    [Id(17)] public required string Source { get; init; }
    /// <summary>Free-form origin detail a source gives (the e-mail export's "Origem do caso").</summary>
    [Id(18)] public string? SourceDetail { get; init; }
}
