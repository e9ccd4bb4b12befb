using CxActors.Ingest;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace CxActors.Silo.Ingest;

/// <summary>
/// POST /ingest/interactions (canonical JSON) and POST /ingest/{channel} (native exports).
/// 200 with accepted/duplicates/rejected once every accepted record is durable; 4xx with a reason when the
/// body as a whole cannot be taken; 503 when MySQL cannot make records durable (re-delivery is safe).
/// </summary>
public static class IngestEndpoints
{
    private static readonly string[] Json = ["application/json", "application/x-ndjson", "application/jsonl", "application/json-seq"];
    private static readonly string[] Csv = ["text/csv", "application/csv"];

    private static readonly Dictionary<string, (IngestFormat Format, string Name, string[] ContentTypes)> NativeChannels =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["phone"] = (IngestFormat.Phone, "phone", Json),
            ["ura"] = (IngestFormat.Phone, "phone", Json),
            ["chat"] = (IngestFormat.Chat, "chat", Json),
            ["whatsapp"] = (IngestFormat.WhatsApp, "whatsapp", Csv),
            ["email"] = (IngestFormat.Email, "email", Csv),
        };

    public static IServiceCollection AddIngest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestApiOptions>().Bind(configuration.GetSection(IngestApiOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CustomerDirectory>();
        services.AddSingleton<InteractionIngestor>();
        return services;
    }

    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/ingest");
        group.MapPost("/interactions", (HttpContext http, InteractionIngestor ingestor, IOptions<IngestApiOptions> options) =>
            IngestAsync(http, ingestor, options.Value, IngestFormat.Canonical, "canonical", Json));
        group.MapPost("/{channel}", (string channel, HttpContext http, InteractionIngestor ingestor, IOptions<IngestApiOptions> options) =>
            NativeChannels.TryGetValue(channel, out var c)
                ? IngestAsync(http, ingestor, options.Value, c.Format, c.Name, c.ContentTypes)
                : Task.FromResult(Problem(StatusCodes.Status404NotFound, $"unknown channel '{channel}': use phone (or ura), chat, whatsapp or email")));
        return app;
    }

    private static async Task<IResult> IngestAsync(HttpContext http, InteractionIngestor ingestor, IngestApiOptions options,
        IngestFormat format, string channelName, string[] contentTypes)
    {
        var request = http.Request;
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (mediaType is null || !contentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            return Problem(StatusCodes.Status415UnsupportedMediaType,
                $"content type '{request.ContentType}' is not accepted here; send {string.Join(" or ", contentTypes)}");
        if (request.ContentLength > options.MaxBodyBytes)
            return Problem(StatusCodes.Status413PayloadTooLarge, $"body of {request.ContentLength} bytes is over the limit of {options.MaxBodyBytes}; split it (./cx import does)");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.MaxBodyBytes;

        var outcome = new IngestOutcome();
        try
        {
            await ingestor.IngestAsync(format, channelName, request.Body, outcome, http.RequestAborted);
            return Results.Json(Body(outcome));
        }
        catch (IngestFormatException ex)
        {
            return Results.Json(Body(outcome, ex.Message), statusCode: StatusCodes.Status400BadRequest);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Results.Json(Body(outcome, $"body is over the limit of {options.MaxBodyBytes} bytes; split it (./cx import does)"), statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (Exception ex) when (ex is CustomerUnavailableException or MySqlException)
        {
            return Results.Json(Body(outcome, $"storage unavailable: only what the counts below say was stored; re-send the body (re-delivery is safe): {ex.Message}"),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>The response body; counts cover what was durable before an error stopped the request.</summary>
    private static Dictionary<string, object> Body(IngestOutcome outcome, string? error = null)
    {
        var body = new Dictionary<string, object>
        {
            ["accepted"] = outcome.Accepted,
            ["duplicates"] = outcome.Duplicates,
            ["rejected"] = outcome.Rejected.Select(r => new { record = r.Record, reason = r.Reason }),
            ["rejectedCount"] = outcome.RejectedCount,
        };
        if (error is not null)
            body = new Dictionary<string, object> { ["error"] = error }.Concat(body).ToDictionary();
        return body;
    }

    private static IResult Problem(int status, string error) => Results.Json(new { error }, statusCode: status);
}
