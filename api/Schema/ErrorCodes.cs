namespace CxActors.Api.Schema;

/// <summary>The <c>extensions.code</c> values this API sets itself (GraphQL.NET adds its own for parse and validation errors).</summary>
public static class ErrorCodes
{
    public const string InvalidArgument = "INVALID_ARGUMENT";
    public const string InvalidCursor = "INVALID_CURSOR";
    /// <summary>The credential is good but lacks the scope a field needs (phoneConflicts needs admin).</summary>
    public const string Forbidden = "FORBIDDEN";
    public const string InvalidRequest = "INVALID_REQUEST";
    public const string InternalServerError = "INTERNAL_SERVER_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string DocumentTooDeep = "DOCUMENT_TOO_DEEP";
}
