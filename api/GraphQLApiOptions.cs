namespace CxActors.Api;

/// <summary>Limits and tuning of the GraphQL endpoint, bound from the configuration section "GraphQL".</summary>
public sealed class GraphQLApiOptions
{
    public const string Section = "GraphQL";

    /// <summary>
    /// Deepest field nesting a document may have. GraphiQL's introspection query nests 13 levels
    /// (the <c>ofType</c> chain of its TypeRef fragment); our deepest useful query has 5.
    /// </summary>
    public int MaxDepth { get; set; } = 15;

    /// <summary>
    /// Highest complexity a document may have: every selected field costs 1, and a paged field (one taking
    /// <c>first</c>) multiplies what is selected below it by its page size (default 20). GraphiQL's introspection
    /// query costs about 200, 50 aliased <c>customer</c> lookups with a few fields each about 500, and 50 aliased
    /// customers with a default page of interactions and four fields each about 5,000.
    /// </summary>
    public int MaxComplexity { get; set; } = 20_000;

    /// <summary>Wall-clock budget of one request's execution; past it the request gets a TIMEOUT error.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest request body accepted (a query, its variables and its operation name).</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Parsed and validated documents kept for re-use, keyed by their exact text.</summary>
    public int DocumentCacheEntries { get; set; } = 1_000;

    /// <summary>Documents longer than this (in characters) are executed but not cached.</summary>
    public int MaxCachedDocumentLength { get; set; } = 64 * 1024;
}
