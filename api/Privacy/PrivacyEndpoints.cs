using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace CxActors.Privacy;

/// <summary>Stable <c>code</c> values of the privacy endpoints' problem details.</summary>
public static class PrivacyErrorCodes
{
    public const string CustomerNotFound = "customer_not_found";
    public const string InvalidArgument = "invalid_argument";
    public const string StorageUnavailable = "storage_unavailable";
    public const string InternalError = "internal_error";
}

/// <summary>
/// The LGPD endpoints under <c>/privacy</c>. The group is returned so that the host attaches its authorization
/// policy in one line (<c>app.MapPrivacyApi().RequireAuthorization(...)</c>).
/// </summary>
public static class PrivacyEndpoints
{
    public static RouteGroupBuilder MapPrivacyApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/privacy");
        group.MapGet("/customers/{id}", ExportAsync);
        group.MapDelete("/customers/{id}", EraseAsync);
        group.MapGet("/requests", ListAsync);
        return group;
    }

    private static async Task<IResult> ExportAsync(string id, HttpContext http, PrivacySubjects subjects, CustomerExport export,
        PrivacyAudit audit, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        try
        {
            var subject = await subjects.FindAsync(id, cancellationToken);
            if (subject is null || (!subject.HasProfile && subject.Phones.Count == 0))
                return NotFound(http);
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = "application/json; charset=utf-8";
            var counts = await export.WriteAsync(subject, http.Response.BodyWriter, cancellationToken);
            await audit.RecordAsync(PrivacyAudit.Export, subject.CustomerId, Caller(http), counts, cancellationToken);
            return Results.Empty;
        }
        catch (Exception ex) when (!http.Response.HasStarted)
        {
            return Failure(http, logs, ex, "export");
        }
    }

    private static async Task<IResult> EraseAsync(string id, HttpContext http, PrivacySubjects subjects, CustomerEraser eraser,
        PrivacyAudit audit, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        try
        {
            // An e-mail is always erased (idempotent: a repeated request answers zero counts and refreshes the
            // tombstone); a phone must be linked to say whose data it is.
            var subject = await subjects.FindAsync(id, cancellationToken);
            if (subject is null)
                return NotFound(http);
            var counts = await eraser.EraseAsync(subject, cancellationToken);
            await audit.RecordAsync(PrivacyAudit.Erase, subject.CustomerId, Caller(http), counts, cancellationToken);
            return TypedResults.Ok(counts);
        }
        catch (Exception ex)
        {
            return Failure(http, logs, ex, "erase");
        }
    }

    private static async Task<IResult> ListAsync(HttpContext http, PrivacyAudit audit, ILoggerFactory logs, CancellationToken cancellationToken,
        int? first = null, string? after = null)
    {
        var size = first ?? 20;
        if (size is < 1 or > 100)
            return Problem(http, StatusCodes.Status400BadRequest, PrivacyErrorCodes.InvalidArgument, $"first must be between 1 and 100; got {size}");
        long? cursor = null;
        if (after is not null)
        {
            if (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                return Problem(http, StatusCodes.Status400BadRequest, PrivacyErrorCodes.InvalidArgument, "after is not a cursor this endpoint gave");
            cursor = parsed;
        }
        try
        {
            return TypedResults.Ok(await audit.ListAsync(size, cursor, cancellationToken));
        }
        catch (Exception ex)
        {
            return Failure(http, logs, ex, "audit list");
        }
    }

    /// <summary>The authenticated caller's name (the key's name or the token's subject); "anonymous" only if a handler gave none.</summary>
    private static string Caller(HttpContext http) =>
        http.User.Identity?.Name is { Length: > 0 } name ? name : "anonymous";

    private static IResult NotFound(HttpContext http) =>
        Problem(http, StatusCodes.Status404NotFound, PrivacyErrorCodes.CustomerNotFound, "no data is held on this customer");

    private static IResult Failure(HttpContext http, ILoggerFactory logs, Exception ex, string operation)
    {
        var logger = logs.CreateLogger(typeof(PrivacyEndpoints));
        // The exception, never the customer id: ids are e-mail addresses.
        if (StorageFailures.IsUnavailable(ex))
        {
            logger.LogWarning(ex, "Privacy {Operation} request {RequestId} stopped: storage unavailable", operation, http.TraceIdentifier);
            return Problem(http, StatusCodes.Status503ServiceUnavailable, PrivacyErrorCodes.StorageUnavailable,
                "storage is unavailable now; send the request again later (it is safe to repeat)");
        }
        logger.LogError(ex, "Privacy {Operation} request {RequestId} failed", operation, http.TraceIdentifier);
        return Problem(http, StatusCodes.Status500InternalServerError, PrivacyErrorCodes.InternalError, "internal error; it has been logged under this request id");
    }

    private static IResult Problem(HttpContext http, int status, string code, string detail) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Detail = detail,
            Extensions = { ["code"] = code, ["requestId"] = http.TraceIdentifier },
        });
}
