using System.Collections.Concurrent;
using GraphQL.DI;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Http;

/// <summary>
/// Keeps parsed and validated documents by their exact text, so that a repeated document skips parsing and
/// validation (GraphQL.NET 8 caches through <see cref="IConfigureExecution"/>; its GraphQL.MemoryCache package is
/// not available here). Bounded by entry count: when full, it starts over empty, which costs one parse per
/// document in use and never lets memory grow. Documents that failed validation are never cached; variables are
/// still coerced and checked on every request.
/// </summary>
public sealed class DocumentCache(IOptions<GraphQLApiOptions> options) : IConfigureExecution
{
    private readonly ConcurrentDictionary<string, GraphQLDocument> _documents = new(StringComparer.Ordinal);
    private readonly int _maxEntries = Math.Max(1, options.Value.DocumentCacheEntries);
    private readonly int _maxLength = options.Value.MaxCachedDocumentLength;

    /// <summary>After the option configurations (100), like GraphQL.NET's own caches.</summary>
    public float SortOrder => 200;

    public int Count => _documents.Count;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        if (options.Document is not null || options.Query is not { } query || query.Length > _maxLength)
            return await next(options).ConfigureAwait(false);

        if (_documents.TryGetValue(query, out var cached))
        {
            options.Document = cached;
            // Validation rules depend on the document and the schema only, both unchanged since it was cached.
            options.ValidationRules = options.CachedDocumentValidationRules ?? [];
            return await next(options).ConfigureAwait(false);
        }

        var result = await next(options).ConfigureAwait(false);
        if (result.Executed && result.Document is { } document)
        {
            if (_documents.Count >= _maxEntries)
                _documents.Clear();
            _documents.TryAdd(query, document);
        }
        return result;
    }
}
