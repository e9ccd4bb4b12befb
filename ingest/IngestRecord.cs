namespace CxActors.Ingest;

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
