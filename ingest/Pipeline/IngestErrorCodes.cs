namespace CxActors.Ingest.Pipeline;

/// <summary>The stable <c>code</c> of every ingest error (ProblemDetails extension): clients branch on these, not on texts.</summary>
public static class IngestErrorCodes
{
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string UnknownChannel = "UNKNOWN_CHANNEL";
    public const string BodyTooLarge = "BODY_TOO_LARGE";
    public const string MalformedBody = "MALFORMED_BODY";
    public const string StorageUnavailable = "STORAGE_UNAVAILABLE";
    public const string InternalError = "INTERNAL_ERROR";
}
