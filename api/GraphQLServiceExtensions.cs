using CxActors.Api.Data;
using CxActors.Api.Http;
using CxActors.Api.Schema;
using CxActors.Database;
using GraphQL.Execution;
using GraphQL.Validation.Complexity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Api;

public static class GraphQLServiceExtensions
{
    /// <summary>
    /// The GraphQL schema, its executer (document cache, limits, masked errors) and what its resolvers use:
    /// the grains (<see cref="IGrainFactory"/>, from the co-hosted silo) and the reporting tables in MySQL.
    /// </summary>
    public static IServiceCollection AddCxGraphQL(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GraphQLApiOptions>()
            .Bind(configuration.GetSection(GraphQLApiOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddCxDatabase(configuration);
        // Cursors are sealed with a key derived from Privacy:HashKey (validated on start).
        services.AddCustomerHashing(configuration);
        services.AddSingleton<Cursors>();
        services.AddSingleton<FleetQueryGate>();
        services.AddSingleton<ReportingStore>();
        services.AddSingleton<CxGraphServices>();
        services.AddScoped<CustomerLoader>();
        services.AddSingleton<GraphiQLAssets>();

        services.AddGraphQL(graphql => graphql
            .AddSchema<CxSchema>()
            .AddGraphTypes(typeof(CxSchema).Assembly)
            .AddSystemTextJson()
            .AddErrorInfoProvider<CxErrorInfoProvider>()
            .AddComplexityAnalyzer((o, sp) =>
            {
                var limits = sp.GetRequiredService<IOptions<GraphQLApiOptions>>().Value;
                o.MaxDepth = limits.MaxDepth;
                o.MaxComplexity = limits.MaxComplexity;
                o.DefaultComplexityImpactDelegate = FieldImpact;
            })
            .AddValidationRule<OperationSizeRule>()
            .AddUnhandledExceptionHandler(MaskAndLog)
            .ConfigureExecution<DocumentCache>());
        return services;
    }

    /// <summary>
    /// The live contact feed behind <c>subscription { contactAdded }</c>: this silo's subscriptions, listening to every
    /// silo's committed contacts (needs the co-hosted silo's grains), and its limits.
    /// </summary>
    public static IServiceCollection AddCxLiveFeed(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<Live.LiveOptions>()
            .Bind(configuration.GetSection(Live.LiveOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Live.ContactFeedHub>();
        services.AddHostedService(sp => sp.GetRequiredService<Live.ContactFeedHub>());
        return services;
    }

    /// <summary>
    /// Every selected field costs 1. A field that takes <c>first</c> (a page) multiplies what is selected below it
    /// by its page size (default 20); nothing else multiplies, so introspection (whose type references nest
    /// 8 deep) costs what it selects rather than 5^depth.
    /// </summary>
    private static FieldComplexityResult FieldImpact(FieldImpactContext context)
    {
        if (context.FieldDefinition.Arguments?.Find("first") is null)
            return new FieldComplexityResult(1, 1);
        // An explicit `first: null` (the argument is a nullable Int) costs what the default does.
        var first = context.GetArgument<int?>("first") ?? Paging.DefaultFirst;
        return new FieldComplexityResult(1, Math.Clamp(first, 1, Paging.MaxFirst));
    }

    /// <summary>
    /// A resolver's unexpected exception is logged in full with the request id; the client gets a fixed message, a
    /// code and the same request id (<c>extensions.requestId</c>), never the exception's own text.
    /// </summary>
    private static void MaskAndLog(UnhandledExceptionContext context)
    {
        // GraphQL.NET 8's complexity analyzer throws (instead of reporting) on a mutation or subscription when the
        // schema has none: that is the client's mistake, not ours.
        if (context.FieldContext is null && context.OriginalException is InvalidOperationException { Message: var message }
            && message.StartsWith("Schema is not configured for operation type", StringComparison.Ordinal))
        {
            context.Exception = new OperationNotSupportedException();
            context.ErrorMessage = context.Exception.Message;
            return;
        }
        // The parser's nesting limit (deeper than any useful document) is the client's mistake too.
        if (context.FieldContext is null && context.OriginalException is GraphQLParser.Exceptions.GraphQLMaxDepthExceededException)
        {
            context.Exception = new ExecutionError("The document is nested too deeply to be parsed.") { Code = ErrorCodes.DocumentTooDeep };
            context.ErrorMessage = context.Exception.Message;
            return;
        }
        var requestId = RequestIds.Of(context.ExecutionOptions.UserContext);
        var logger = context.ExecutionOptions.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("CxActors.Api.GraphQL");
        logger?.LogError(RedactedException.Of(context.OriginalException), "GraphQL {Path} failed (request {RequestId})",
            context.FieldContext?.Path is { } path ? string.Join('.', path) : "request", requestId);
        context.Exception = StorageFailures.IsUnavailable(context.OriginalException) ? new ServiceUnavailableException(requestId) : new InternalServerErrorException(requestId);
        context.ErrorMessage = context.Exception.Message;
    }

}
