namespace CxActors.Storage;

/// <summary>The <c>customers</c> row as the grain sees it after a change; <see cref="Version"/> is its log position.</summary>
public sealed record CustomerRow(
    string CustomerId,
    string? Name,
    string? Phones,
    DateTime FirstContactAt,
    DateTime LastContactAt,
    Channel LastChannel,
    string LastInteractionId,
    int TotalContacts,
    int[] ChannelCounts,
    int Version);
