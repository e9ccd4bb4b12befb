namespace CxActors.Ingest;

/// <summary>A record parsed and normalised from any format, before the customer is resolved.</summary>
public sealed record InteractionDraft
{
    /// <summary>Trimmed, lower-cased and validated; null when the record had none.</summary>
    public string? Email { get; init; }
    /// <summary>Digits only (area code included), null when the record had none.</summary>
    public string? Phone { get; init; }
    public required Channel Channel { get; init; }
    /// <summary>UTC, <see cref="DateTimeKind.Utc"/>, truncated to whole milliseconds.</summary>
    public required DateTime StartedAt { get; init; }
    public DateTime? EndedAt { get; init; }
    public string? SourceId { get; init; }
    public string? Name { get; init; }
    public string? Agent { get; init; }
    public string? Status { get; init; }
    public string? Queue { get; init; }
    public string? Classification { get; init; }
    public string? SubClassification { get; init; }
    public string? FeedbackComment { get; init; }
    public string? SourceDetail { get; init; }
    public int? FeedbackScore { get; init; }
    public int? WaitSeconds { get; init; }
    public int? HandleSeconds { get; init; }
    /// <summary><c>api</c>, <c>phone-export</c>, <c>chat-export</c>, <c>whatsapp-export</c> or <c>email-export</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The contract interaction for the resolved customer, with its deterministic identity.</summary>
    public Interaction ToInteraction(string customerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        return new Interaction
        {
            Id = InteractionIdentity.Compute(customerId, Channel, StartedAt, SourceId),
            SourceId = SourceId,
            CustomerId = customerId,
            Channel = Channel,
            StartedAt = StartedAt,
            EndedAt = EndedAt,
            Name = Name,
            Phone = Phone,
            Agent = Agent,
            Status = Status,
            Queue = Queue,
            Classification = Classification,
            SubClassification = SubClassification,
            FeedbackScore = FeedbackScore,
            FeedbackComment = FeedbackComment,
            WaitSeconds = WaitSeconds,
            HandleSeconds = HandleSeconds,
            Source = Source,
            SourceDetail = SourceDetail,
        };
    }
}
