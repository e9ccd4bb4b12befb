using System.ComponentModel.DataAnnotations;

namespace CxActors.Api;

/// <summary>
/// Limits and tuning of the GraphQL endpoint, bound from the configuration section "GraphQL" and validated when the
/// host starts (a value out of range stops the start with the option's name).
/// </summary>
public sealed class GraphQLApiOptions
{
    public const string Section = "GraphQL";

    /// <summary>Deepest field nesting a document may have; GraphiQL's introspection query must fit.</summary>
    [Range(1, 100)]
    public int MaxDepth { get; set; } = 15;

    /// <summary>
    /// Highest complexity a document may have, computed with each request's own variables: every selected field
    /// costs 1, and a paged field (one taking <c>first</c>) multiplies what is selected below it by its page size.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxComplexity { get; set; } = 20_000;

    /// <summary>
    /// Most top-level fields (aliases included) an operation may select: each may cost a grain call or a MySQL
    /// query, and complexity alone lets thousands of cheap-looking ones through.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxRootFields { get; set; } = 100;

    /// <summary>Most field selections an operation may have in all, fragments counted at each use.</summary>
    [Range(1, 1_000_000)]
    public int MaxFieldSelections { get; set; } = 2_000;

    /// <summary>Wall-clock budget of one request's execution; past it the request gets a TIMEOUT error.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Fleet-wide (cross-customer) MySQL queries this silo runs at once; the rest wait, so that ingest and
    /// per-customer reads keep their share of the connection pool and of MySQL's CPU.
    /// </summary>
    [Range(1, 1_000)]
    public int FleetQueryConcurrency { get; set; } = 4;

    /// <summary>How long a fleet query waits for its turn before its field fails with SERVICE_UNAVAILABLE.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan FleetQueryWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest request body accepted (a query, its variables and its operation name).</summary>
    [Range(1, 1L << 30)]
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Parsed documents kept for re-use, keyed by their exact text (never their validation verdict).</summary>
    [Range(1, 1_000_000)]
    public int DocumentCacheEntries { get; set; } = 1_000;

    /// <summary>Documents longer than this (in characters) are parsed per request, not cached.</summary>
    [Range(0, 16 * 1024 * 1024)]
    public int MaxCachedDocumentLength { get; set; } = 64 * 1024;
}
