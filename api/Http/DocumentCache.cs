using System.Collections.Concurrent;
using GraphQL.DI;
using GraphQL.Execution;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Http;

/// <summary>
/// Keeps parsed documents by their exact text, so that a repeated document skips parsing (GraphQL.NET 8 caches
/// through <see cref="IConfigureExecution"/>; its GraphQL.MemoryCache package is not available here). Only the
/// parse is cached, never a verdict: every request is validated in full with its own variables, so the depth,
/// complexity and size limits apply to it whether its text was seen before or not (complexity depends on the
/// variables: <c>first: $n</c>). Bounded by entry count: when full, it starts over empty, which costs one parse per
/// document in use and never lets memory grow.
/// </summary>
public sealed class DocumentCache(IOptions<GraphQLApiOptions> options, IDocumentBuilder documentBuilder) : IConfigureExecution
{
    private readonly ConcurrentDictionary<string, GraphQLDocument> _documents = new(StringComparer.Ordinal);
    private readonly int _maxEntries = Math.Max(1, options.Value.DocumentCacheEntries);
    private readonly int _maxLength = options.Value.MaxCachedDocumentLength;

    /// <summary>After the option configurations (100), like GraphQL.NET's own caches.</summary>
    public float SortOrder => 200;

    public Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        if (options.Document is not null || options.Query is not { } query || query.Length > _maxLength)
            return next(options);

        if (!_documents.TryGetValue(query, out var document))
        {
            try
            {
                document = documentBuilder.Build(query);
            }
            catch (ExecutionError)
            {
                // Unparseable: the executer parses it again and reports the syntax error its own way.
                return next(options);
            }
            if (_documents.Count >= _maxEntries)
                _documents.Clear();
            _documents.TryAdd(query, document);
        }
        // The validation rules stay as configured (all of them, with this request's variables).
        options.Document = document;
        return next(options);
    }
}
