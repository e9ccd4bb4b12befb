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

/// <summary>
/// One record of a body (0-based, in body order): either a draft or the reason it was rejected.
/// <paramref name="Raw"/> is the record's original text (the JSON value, or the CSV line(s)) for the rejections table;
/// null when <see cref="IngestOptions.KeepAllRawText"/> is off and the record cannot be rejected later (see
/// <see cref="IngestRecord.MayBeRejected"/>).
/// </summary>
public sealed record IngestRecord(int Index, string? Raw, InteractionDraft? Draft, string? Reason)
{
    /// <summary>
    /// Whether the record may still be refused after reading: it already has a reason, or it names no e-mail and so
    /// depends on a phone link. Only such records need their raw text.
    /// </summary>
    public static bool MayBeRejected(InteractionDraft? draft, string? reason) => reason is not null || draft?.Email is null;
}

/// <summary>The body as a whole cannot be read; the HTTP layer answers 400 with the message.</summary>
public sealed class IngestFormatException(string message) : Exception(message);

public sealed record IngestOptions
{
    /// <summary>IANA zone the exports' offset-less local times are in.</summary>
    public string SourceTimeZone { get; init; } = "America/Sao_Paulo";
    /// <summary>"Now", for rejecting records dated in the future.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    /// <summary>
    /// Keep every record's raw text (the default), or only that of records that may be rejected: the ingest
    /// endpoint stores raw text only for rejections, and a string per accepted record is most of its garbage.
    /// </summary>
    public bool KeepAllRawText { get; init; } = true;
}

public enum IngestFormat
{
    /// <summary>Canonical JSON (array or NDJSON), source <c>api</c>.</summary>
    Canonical,
    /// <summary>URA (IVR) export, JSON.</summary>
    Phone,
    /// <summary>Chat export, JSON.</summary>
    Chat,
    /// <summary>WhatsApp export, CSV.</summary>
    WhatsApp,
    /// <summary>E-mail export, CSV.</summary>
    Email,
}
