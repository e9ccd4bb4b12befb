namespace CxActors.Api.Data;

/// <summary>A row of <c>phone_link_conflicts</c>: a number seen with a second customer's e-mail, and the record that showed it.</summary>
public sealed record PhoneConflict(long Id, string Phone, string LinkedCustomerId, string OtherCustomerId, Channel? Channel, string? InteractionId,
    DateTime? StartedAt, DateTime DetectedAt);
