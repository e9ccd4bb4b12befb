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

    /// <summary>contactStats: the range [since, until) is longer than its bucket allows.</summary>
    public const string RangeTooLong = "RANGE_TOO_LONG";

    /// <summary>contactStats: timeZone is not an IANA time zone this server knows.</summary>
    public const string UnknownTimeZone = "UNKNOWN_TIME_ZONE";

    /// <summary>contactStats: the time zone's UTC offset in the range is not a whole number of hours (e.g. Asia/Kolkata).</summary>
    public const string UnsupportedTimeZone = "UNSUPPORTED_TIME_ZONE";

    public const string LiveSubscriptionLimit = "LIVE_SUBSCRIPTION_LIMIT";
    public const string LiveSubscriberTooSlow = "LIVE_SUBSCRIBER_TOO_SLOW";

    /// <summary>A live SSE stream ended because the token that opened it expired.</summary>
    public const string LiveCredentialExpired = "LIVE_CREDENTIAL_EXPIRED";

    /// <summary>A live SSE stream ended because the API key that opened it (or its browser session's key) was revoked.</summary>
    public const string LiveCredentialRevoked = "LIVE_CREDENTIAL_REVOKED";
}
