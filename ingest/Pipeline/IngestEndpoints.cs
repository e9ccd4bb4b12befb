using CxActors.Database;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Ingest.Pipeline;

/// <summary>
/// POST /ingest/interactions (canonical JSON) and POST /ingest/{channel} (native exports).
/// 200 with accepted/duplicates/rejected once every accepted record is durable; 4xx ProblemDetails with a stable code
/// when the body as a whole cannot be taken; 503 only when storage cannot make records durable now (re-delivery is safe).
/// </summary>
public static class IngestEndpoints
{
    public static RouteGroupBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ingest");
        group.MapPost("/interactions", (HttpContext http, InteractionIngestor ingestor, IOptions<IngestApiOptions> options, ILoggerFactory logs, CxMetrics metrics) =>
            Counted(metrics, IngestAsync(http, ingestor, options.Value, logs, IngestRoutes.Canonical)));
        group.MapPost("/{channel}", (string channel, HttpContext http, InteractionIngestor ingestor, IOptions<IngestApiOptions> options, ILoggerFactory logs, CxMetrics metrics) =>
            Counted(metrics, IngestRoutes.TryGetNative(channel, out var format)
                ? IngestAsync(http, ingestor, options.Value, logs, format)
                : Task.FromResult(Problem(http, StatusCodes.Status404NotFound, IngestErrorCodes.UnknownChannel,
                    $"unknown channel {Echo.Quote(channel)}: use {ChannelNames.NativeList}"))));
        return group;
    }

    /// <summary><c>cx.ingest.requests</c> by the status the handler answers (401/403/429 never reach it).</summary>
    private static async Task<IResult> Counted(CxMetrics metrics, Task<IResult> handler)
    {
        var result = await handler;
        metrics.IngestRequest(result is IStatusCodeHttpResult { StatusCode: { } status } ? status : StatusCodes.Status200OK);
        return result;
    }

    private static async Task<IResult> IngestAsync(HttpContext http, InteractionIngestor ingestor, IngestApiOptions options,
        ILoggerFactory logs, IngestRoutes.Endpoint endpoint)
    {
        var request = http.Request;
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is null || !endpoint.ContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            return Problem(http, StatusCodes.Status415UnsupportedMediaType, IngestErrorCodes.UnsupportedMediaType,
                $"content type {Echo.Quote(request.ContentType)} is not accepted here; send {string.Join(" or ", endpoint.ContentTypes)}");
        if (request.ContentLength > options.MaxBodyBytes)
            return Problem(http, StatusCodes.Status413PayloadTooLarge, IngestErrorCodes.BodyTooLarge,
                $"body of {request.ContentLength} bytes is over the limit of {options.MaxBodyBytes}; split it (./cx import does)");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.MaxBodyBytes;

        var outcome = new IngestOutcome();
        try
        {
            await ingestor.IngestAsync(endpoint.Format, endpoint.Name, request.Body, outcome, http.RequestAborted);
            return Results.Json(new IngestResponse(outcome));
        }
        catch (IngestFormatException ex)
        {
            return Problem(http, StatusCodes.Status400BadRequest, IngestErrorCodes.MalformedBody, ex.Message, outcome);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(http, StatusCodes.Status413PayloadTooLarge, IngestErrorCodes.BodyTooLarge,
                $"body is over the limit of {options.MaxBodyBytes} bytes; split it (./cx import does)", outcome);
        }
        catch (Exception ex) when (http.RequestAborted.IsCancellationRequested && ex is OperationCanceledException or BadHttpRequestException or IOException)
        {
            // The client went away: nobody reads this answer. 499 in the log, as nginx calls it.
            return Results.StatusCode(499);
        }
        catch (BadHttpRequestException ex)
        {
            return Problem(http, ex.StatusCode, IngestErrorCodes.MalformedBody, "the request body could not be read", outcome);
        }
        catch (Exception ex) when (StorageFailures.IsUnavailable(ex))
        {
            logs.CreateLogger(typeof(IngestEndpoints)).LogWarning(RedactedException.Of(ex), "Ingest request {RequestId} stopped: storage unavailable", http.TraceIdentifier);
            return Problem(http, StatusCodes.Status503ServiceUnavailable, IngestErrorCodes.StorageUnavailable,
                "storage is unavailable now: the counts say what was confirmed stored; re-send the whole body later (re-delivery is safe)", outcome);
        }
        catch (Exception ex)
        {
            logs.CreateLogger(typeof(IngestEndpoints)).LogError(RedactedException.Of(ex), "Ingest request {RequestId} failed", http.TraceIdentifier);
            return Problem(http, StatusCodes.Status500InternalServerError, IngestErrorCodes.InternalError,
                "internal error; it has been logged under this request id", outcome);
        }
    }

    /// <summary>RFC 9457 problem details with a stable code, the request id and, where records were read, the counts.</summary>
    private static IResult Problem(HttpContext http, int status, string code, string detail, IngestOutcome? outcome = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code, ["requestId"] = http.TraceIdentifier };
        if (outcome is not null)
        {
            extensions["accepted"] = outcome.Accepted;
            extensions["duplicates"] = outcome.Duplicates;
            extensions["rejected"] = outcome.Rejected;
            extensions["rejectedCount"] = outcome.RejectedCount;
        }
        return TypedResults.Problem(new ProblemDetails { Status = status, Detail = detail, Extensions = extensions });
    }
}
