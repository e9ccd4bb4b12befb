namespace CxActors.Ingest;

/// <summary>
/// The reporting columns' sizes. A record that would not fit is refused here, record by record, rather than
/// failing (or being silently cut by) the multi-row INSERT it would share with other customers' records.
/// </summary>
internal static class InteractionLimits
{
    public const int Text = 255;
    public const int Comment = 10_000;
    public const int Phone = 32;

    public static string? Check(InteractionDraft d) =>
        TooLong("id", d.SourceId, Text) ?? TooLong("name", d.Name, Text) ?? TooLong("agent", d.Agent, Text)
        ?? TooLong("status", d.Status, Text) ?? TooLong("queue", d.Queue, Text)
        ?? TooLong("classification", d.Classification, Text) ?? TooLong("subClassification", d.SubClassification, Text)
        ?? TooLong("source detail", d.SourceDetail, Text) ?? TooLong("feedbackComment", d.FeedbackComment, Comment)
        ?? TooLong("phone", d.Phone, Phone);

    private static string? TooLong(string field, string? value, int max) =>
        value is not null && value.Length > max ? $"{field}: longer than {max} characters ({value.Length})" : null;
}
