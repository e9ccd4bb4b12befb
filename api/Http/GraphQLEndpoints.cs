using System.Text.Json;
using CxActors.Api.Schema;
using GraphQL.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CxActors.Api.Http;

/// <summary>
/// GraphQL over HTTP, written over <see cref="IDocumentExecuter"/>:
/// <list type="bullet">
/// <item><c>POST /graphql</c> with a JSON body <c>{query, variables, operationName}</c> (or an <c>application/graphql</c>
/// body holding only the query): 200 with <c>data</c>/<c>errors</c> when the document was executed, 400 with
/// <c>errors</c> when it could not be (unreadable body, no query, parse or validation errors), 413 for a body over
/// the limit. Responses are <c>application/graphql-response+json</c> when the client accepts it, else JSON.</item>
/// <item><c>GET /graphql</c>: the offline GraphiQL page for browsers (Accept: text/html); otherwise executes
/// <c>?query=&amp;variables=&amp;operationName=</c> like a POST.</item>
/// <item><c>GET /graphql/schema.graphql</c>: the schema in SDL; <c>GET /graphql/assets/{file}</c>: GraphiQL's files.</item>
/// </list>
/// </summary>
public static class GraphQLEndpoints
{
    private const string GraphQLResponseJson = "application/graphql-response+json";
    private const string JsonContentType = "application/json; charset=utf-8";

    public static IEndpointRouteBuilder MapGraphQLApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/graphql", PostAsync);
        app.MapGet("/graphql", GetAsync);
        app.MapGet("/graphql/schema.graphql", (CxSchema schema) => Results.Text(schema.Print(), "text/plain; charset=utf-8"));
        app.MapGet("/graphql/assets/{file}", (string file, HttpContext http, GraphiQLAssets assets) => ServeAsset(http, assets, file));
        return app;
    }

    private static async Task PostAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<GraphQLApiOptions>>().Value;
        var serializer = http.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        var request = http.Request;
        if (request.ContentLength > options.MaxRequestBytes)
        {
            await WriteErrorAsync(http, StatusCodes.Status413PayloadTooLarge, $"The request body is over the limit of {options.MaxRequestBytes} bytes.");
            return;
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.MaxRequestBytes;

        GraphQLRequest? graphQLRequest;
        try
        {
            if (MediaType(request.ContentType) is "application/graphql")
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
            await WriteErrorAsync(http, StatusCodes.Status413PayloadTooLarge, $"The request body is over the limit of {options.MaxRequestBytes} bytes.");
            return;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest,
                $"The request body is not a GraphQL request: send a JSON object {{\"query\": \"...\", \"variables\": {{...}}, \"operationName\": \"...\"}} ({ex.Message})");
            return;
        }
        await ExecuteAsync(http, graphQLRequest, options);
    }

    private static async Task GetAsync(HttpContext http)
    {
        var request = http.Request;
        if (AcceptsHtml(request))
        {
            await ServeAsset(http, http.RequestServices.GetRequiredService<GraphiQLAssets>(), "index.html").ExecuteAsync(http);
            return;
        }
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
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, $"The 'variables' parameter is not a JSON object ({ex.Message})");
            return;
        }
        await ExecuteAsync(http, graphQLRequest, options);
    }

    private static async Task ExecuteAsync(HttpContext http, GraphQLRequest? request, GraphQLApiOptions options)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, "The request has no query: send {\"query\": \"{ ... }\"}.");
            return;
        }
        var executer = http.RequestServices.GetRequiredService<IDocumentExecuter<CxSchema>>();
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            Variables = request.Variables,
            Extensions = request.Extensions,
            OperationName = request.OperationName,
            RequestServices = http.RequestServices,
            User = http.User,
            CancellationToken = http.RequestAborted,
            Timeout = options.RequestTimeout,
            TimeoutAction = GraphQL.Execution.TimeoutAction.ReturnTimeoutError,
        });
        // GraphQL over HTTP: a document that could not be executed at all (parse, validation or variable errors).
        http.Response.StatusCode = result.Executed ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest;
        await WriteResultAsync(http, result);
    }

    private static Task WriteErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        return WriteResultAsync(http, new ExecutionResult(new ExecutionError(message) { Code = ErrorCodes.InvalidRequest }));
    }

    private static async Task WriteResultAsync(HttpContext http, ExecutionResult result)
    {
        http.Response.ContentType = AcceptsGraphQLResponse(http.Request) ? GraphQLResponseJson + "; charset=utf-8" : JsonContentType;
        var serializer = http.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    private static IResult ServeAsset(HttpContext http, GraphiQLAssets assets, string file)
    {
        if (!assets.TryGet(file, out var asset))
            return Results.NotFound();
        var headers = http.Response.GetTypedHeaders();
        headers.CacheControl = new CacheControlHeaderValue
        {
            Public = true,
            NoCache = file == "index.html",
            MaxAge = file == "index.html" ? null : TimeSpan.FromHours(1),
        };
        headers.ETag = new EntityTagHeaderValue(asset.ETag);
        if (http.Request.Headers.IfNoneMatch == asset.ETag)
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static string? MediaType(string? contentType) =>
        contentType is null ? null : contentType.Split(';', 2)[0].Trim().ToLowerInvariant();

    private static bool AcceptsHtml(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static bool AcceptsGraphQLResponse(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains(GraphQLResponseJson, StringComparison.OrdinalIgnoreCase);
}
