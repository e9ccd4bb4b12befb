using System.Text.Json;
using CxActors.Api.Schema;
using CxActors.Database;
using GraphQL.Execution;
using GraphQL.Transport;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CxActors.Api.Http;

/// <summary>
/// GraphQL over HTTP, written over <see cref="IDocumentExecuter"/>:
/// <list type="bullet">
/// <item><c>POST /graphql</c> with a JSON body <c>{query, variables, operationName, extensions}</c>, Content-Type
/// <c>application/json</c> (charset utf-8 or none). Any other type is 415 — in particular <c>text/plain</c> and forms,
/// which browsers send cross-site without a CORS preflight — except <c>application/graphql</c> (a body holding only the
/// query), kept for existing clients: browsers preflight it like JSON. A missing Content-Type is 415 too; a body
/// over the limit 413.</item>
/// <item><c>GET /graphql</c>: the offline GraphiQL page for browsers (Accept: text/html); otherwise executes
/// <c>?query=&amp;variables=&amp;operationName=</c> like a POST.</item>
/// <item><c>GET /graphql/schema.graphql</c>: the schema in SDL; <c>GET /graphql/assets/{file}</c>: GraphiQL's files.</item>
/// <item>The page and its assets are anonymous; everything else takes the policies the host attaches to the group.</item>
/// </list>
/// Status codes follow the GraphQL-over-HTTP spec (as graphql-http's audit checks it). A request that cannot be read
/// at all (not JSON, no query) is 400. When the client accepts <c>application/graphql-response+json</c> (preferred
/// at least as much as <c>application/json</c>), the response has that type and a document that could not be
/// executed (parse, validation or variable-coercion errors) is 400; when it accepts only <c>application/json</c>,
/// <c>*/*</c> or sends no Accept, the response is <c>application/json</c> and such failures are 200 with the errors
/// in the body (legacy clients read the body whatever the status). A document that executed is always 200, field
/// errors included. Every response carries <c>X-Request-Id</c> (<see cref="RequestIds"/>).
/// </summary>
public static class GraphQLEndpoints
{
    private const string GraphQLResponseMediaType = "application/graphql-response+json";
    private const string JsonMediaType = "application/json";

    /// <summary>The GraphQL routes as one group, so that the host can attach policies (authorization, rate limits).</summary>
    public static RouteGroupBuilder MapGraphQLApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/graphql");
        group.MapPost("", Guarded(PostAsync));
        // The GraphiQL page and its assets load without credentials (the page then signs in or sends them); a GET that
        // runs a query applies the group's authorization itself (AuthorizeGetQueryAsync).
        group.MapGet("", Guarded(GetAsync)).AllowAnonymous();
        group.MapGet("/schema.graphql", Guarded(http =>
            Results.Text(http.RequestServices.GetRequiredService<CxSchema>().Print(), "text/plain; charset=utf-8").ExecuteAsync(http)));
        group.MapGet("/assets/{file}", Guarded(http =>
            http.RequestServices.GetRequiredService<GraphiQLAssets>().Serve(http, http.Request.RouteValues["file"] as string ?? "").ExecuteAsync(http)))
            .AllowAnonymous();
        return group;
    }

    /// <summary>Assigns the request id; an exception that escapes a handler is logged with it and masked.</summary>
    private static RequestDelegate Guarded(RequestDelegate handler) => async http =>
    {
        var requestId = RequestIds.Assign(http);
        try
        {
            await handler(http);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CxActors.Api.GraphQL")
                .LogError(CxActors.Database.RedactedException.Of(ex), "GraphQL HTTP request failed (request {RequestId})", requestId);
            if (http.Response.HasStarted)
                throw;
            http.Response.Clear();
            http.Response.Headers[RequestIds.Header] = requestId;
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await WriteResultAsync(http, new ExecutionResult(new UnhandledError(
                new InternalServerErrorException().Message, new InternalServerErrorException(requestId))));
        }
    };

    private static async Task PostAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<GraphQLApiOptions>>().Value;
        var serializer = http.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        var request = http.Request;
        var bodyType = BodyType(request.ContentType);
        if (bodyType is BodyKind.Unsupported)
        {
            await WriteErrorAsync(http, StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                "Send the request with Content-Type: application/json.");
            return;
        }
        if (request.ContentLength > options.MaxRequestBytes)
        {
            await WriteTooLargeAsync(http, options);
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.MaxRequestBytes;

        GraphQLRequest? graphQLRequest;
        try
        {
            if (bodyType is BodyKind.GraphQL)
            {
                using var reader = new StreamReader(request.Body);
                graphQLRequest = new GraphQLRequest { Query = await reader.ReadToEndAsync(http.RequestAborted) };
            }
            else
            {
                graphQLRequest = await serializer.ReadAsync<GraphQLRequest>(request.Body, http.RequestAborted);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await WriteTooLargeAsync(http, options);
            return;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                "The request body is not a GraphQL request: send a JSON object {\"query\": \"...\", \"variables\": {...}, \"operationName\": \"...\"}.");
            return;
        }
        await ExecuteAsync(http, graphQLRequest, options);
    }

    private static async Task GetAsync(HttpContext http)
    {
        var request = http.Request;
        if (http.WebSockets.IsWebSocketRequest)
        {
            await AcceptWebSocketAsync(http);
            return;
        }
        if (AcceptsHtml(request))
        {
            await http.RequestServices.GetRequiredService<GraphiQLAssets>().Serve(http, "index.html").ExecuteAsync(http);
            return;
        }
        if (!await AuthorizeGetQueryAsync(http))
            return;
        var options = http.RequestServices.GetRequiredService<IOptions<GraphQLApiOptions>>().Value;
        GraphQLRequest graphQLRequest;
        try
        {
            var variables = request.Query["variables"].ToString();
            graphQLRequest = new GraphQLRequest
            {
                Query = request.Query["query"].ToString(),
                OperationName = request.Query["operationName"] is { Count: > 0 } name ? name.ToString() : null,
                Variables = variables.Length == 0
                    ? null
                    : http.RequestServices.GetRequiredService<IGraphQLTextSerializer>().Deserialize<Inputs>(variables),
            };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The 'variables' parameter is not a JSON object.");
            return;
        }
        await ExecuteAsync(http, graphQLRequest, options);
    }

    /// <summary>
    /// graphql-transport-ws. Credentials are checked at connection_init (the upgrade's own headers/cookie, or the init
    /// payload's), so that a browser, which cannot set headers on a WebSocket, can send them there.
    /// </summary>
    private static async Task AcceptWebSocketAsync(HttpContext http)
    {
        if (!http.WebSockets.WebSocketRequestedProtocols.Contains(Live.GraphQLWebSocketConnection.SubProtocol))
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest,
                $"Request the WebSocket subprotocol {Live.GraphQLWebSocketConnection.SubProtocol}.");
            return;
        }
        using var socket = await http.WebSockets.AcceptWebSocketAsync(Live.GraphQLWebSocketConnection.SubProtocol);
        await new Live.GraphQLWebSocketConnection(http, socket).RunAsync();
    }

    /// <summary>
    /// GET /graphql is anonymous for the page's sake, so a GET that runs a query evaluates the policies the host
    /// attached to the group (its <see cref="IAuthorizeData"/>) with the framework's own evaluator, as the
    /// authorization middleware would: 401/403 come from the configured schemes. Without policies, nothing to do.
    /// </summary>
    private static async Task<bool> AuthorizeGetQueryAsync(HttpContext http)
    {
        var authorizeData = http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>() ?? [];
        if (authorizeData.Count == 0)
            return true;
        var policy = await AuthorizationPolicy.CombineAsync(http.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>(), authorizeData);
        if (policy is null)
            return true;
        var evaluator = http.RequestServices.GetRequiredService<IPolicyEvaluator>();
        var authentication = await evaluator.AuthenticateAsync(policy, http);
        var authorization = await evaluator.AuthorizeAsync(policy, authentication, http, http);
        if (authorization.Succeeded)
            return true;
        if (authorization.Forbidden)
            await http.ForbidAsync();
        else
            await http.ChallengeAsync();
        return false;
    }

    private static async Task ExecuteAsync(HttpContext http, GraphQLRequest? request, GraphQLApiOptions options)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, ErrorCodes.InvalidRequest, "The request has no query: send {\"query\": \"{ ... }\"}.");
            return;
        }
        if (Live.GraphQLServerSentEvents.IsRequested(http.Request))
        {
            await Live.GraphQLServerSentEvents.RunAsync(http, request);
            return;
        }
        var executer = http.RequestServices.GetRequiredService<IDocumentExecuter<CxSchema>>();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = BareCarriageReturnsAsLineFeeds(request.Query),
            Variables = request.Variables,
            Extensions = request.Extensions,
            OperationName = request.OperationName,
            RequestServices = http.RequestServices,
            User = http.User,
            UserContext = RequestIds.UserContext(RequestIds.Of(http)),
            CancellationToken = http.RequestAborted,
            Timeout = options.RequestTimeout,
            TimeoutAction = TimeoutAction.ReturnTimeoutError,
        });
        // The operation's name as the executed document spells it (a GraphQL name, never a variable's value).
        http.RequestServices.GetRequiredService<CxMetrics>().GraphQLRequest(result.Operation?.Name?.StringValue,
            result.Executed && result.Errors is not { Count: > 0 }, System.Diagnostics.Stopwatch.GetElapsedTime(started));
        http.Response.StatusCode = result.Executed || !PrefersGraphQLResponse(http.Request) ? StatusCodes.Status200OK : NotExecutedStatus(result);
        await WriteResultAsync(http, result);
    }

    /// <summary>
    /// A CR not followed by LF becomes LF. Both are line terminators to GraphQL (outside strings and comments they
    /// are white space, inside a string either is an error, and block strings normalise them), so the document means
    /// the same and its error locations stay the same. GraphQL-Parser 9 fails with an IndexOutOfRangeException while
    /// composing the message of a syntax error that lies after a bare CR, which would make such a document a 500.
    /// </summary>
    private static string BareCarriageReturnsAsLineFeeds(string query)
    {
        if (!query.Contains('\r', StringComparison.Ordinal))
            return query;
        var chars = query.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] == '\r' && (i + 1 == chars.Length || chars[i + 1] != '\n'))
                chars[i] = '\n';
        }
        return new string(chars);
    }

    /// <summary>
    /// For application/graphql-response+json: a document that could not be executed is the client's (400), unless
    /// what stopped it was ours: a masked failure (500), storage (503) or the time budget (504).
    /// </summary>
    private static int NotExecutedStatus(ExecutionResult result)
    {
        foreach (var error in result.Errors ?? [])
        {
            switch (error)
            {
                case TimeoutError:
                    return StatusCodes.Status504GatewayTimeout;
                case { InnerException: ServiceUnavailableException }:
                    return StatusCodes.Status503ServiceUnavailable;
                case { InnerException: InternalServerErrorException }:
                    return StatusCodes.Status500InternalServerError;
            }
        }
        return StatusCodes.Status400BadRequest;
    }

    private static Task WriteTooLargeAsync(HttpContext http, GraphQLApiOptions options) =>
        WriteErrorAsync(http, StatusCodes.Status413PayloadTooLarge, ErrorCodes.InvalidRequest,
            $"The request body is over the limit of {options.MaxRequestBytes} bytes.");

    private static Task WriteErrorAsync(HttpContext http, int status, string code, string message)
    {
        http.Response.StatusCode = status;
        return WriteResultAsync(http, new ExecutionResult(new ExecutionError(message) { Code = code }));
    }

    private static async Task WriteResultAsync(HttpContext http, ExecutionResult result)
    {
        http.Response.ContentType = (PrefersGraphQLResponse(http.Request) ? GraphQLResponseMediaType : JsonMediaType) + "; charset=utf-8";
        var serializer = http.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    private enum BodyKind
    {
        Unsupported,
        Json,
        GraphQL,
    }

    /// <summary>application/json (charset absent or utf-8), application/graphql, or neither (including no type).</summary>
    private static BodyKind BodyType(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
            return BodyKind.Unsupported;
        if (parsed.Charset.HasValue && !parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return BodyKind.Unsupported;
        if (parsed.MediaType.Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase))
            return BodyKind.Json;
        if (parsed.MediaType.Equals("application/graphql", StringComparison.OrdinalIgnoreCase))
            return BodyKind.GraphQL;
        return BodyKind.Unsupported;
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    /// <summary>Accept lists application/graphql-response+json with a quality at least that of application/json.</summary>
    private static bool PrefersGraphQLResponse(HttpRequest request)
    {
        if (request.Headers.Accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var ranges))
            return false;
        double graphQLResponse = 0, json = 0;
        foreach (var range in ranges)
        {
            var quality = range.Quality ?? 1;
            if (range.MediaType.Equals(GraphQLResponseMediaType, StringComparison.OrdinalIgnoreCase))
                graphQLResponse = Math.Max(graphQLResponse, quality);
            else if (range.MediaType.Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase))
                json = Math.Max(json, quality);
        }
        return graphQLResponse > 0 && graphQLResponse >= json;
    }
}
