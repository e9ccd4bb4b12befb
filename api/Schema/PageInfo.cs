namespace CxActors.Api.Schema;

/// <summary>Where a page ends and whether another follows.</summary>
public sealed record PageInfo(bool HasNextPage, string? EndCursor);
