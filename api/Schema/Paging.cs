namespace CxActors.Api.Schema;

/// <summary>Paging arguments shared by every list, and the page a keyset read makes.</summary>
public static class Paging
{
    public const int DefaultFirst = 20;
    public const int MaxFirst = 100;

    /// <summary>The <c>first</c> argument, checked to lie in 1..100 (never clamped).</summary>
    public static int First(IResolveFieldContext context)
    {
        var first = context.GetArgument("first", DefaultFirst);
        if (first is < 1 or > MaxFirst)
            throw new ExecutionError($"Argument 'first' must be between 1 and {MaxFirst}; got {first}.") { Code = ErrorCodes.InvalidArgument };
        return first;
    }

    /// <summary>
    /// A page of <paramref name="first"/> rows read with <paramref name="readRows"/>, which is asked for one row more:
    /// the extra row only tells that another page follows. The end cursor is the last node's position, sealed by
    /// <paramref name="cursor"/>.
    /// </summary>
    public static async Task<Connection<TNode>> PageAsync<TRow, TNode>(int first, Func<int, Task<List<TRow>>> readRows,
        Func<TRow, TNode> toNode, Func<TNode, string> cursor, Func<CancellationToken, Task<int>> totalCount)
    {
        var rows = await readRows(first + 1);
        var hasNext = rows.Count > first;
        if (hasNext)
            rows.RemoveAt(first);
        var nodes = rows.ConvertAll(new Converter<TRow, TNode>(toNode));
        var endCursor = nodes.Count > 0 ? cursor(nodes[^1]) : null;
        return new Connection<TNode>(nodes, new PageInfo(hasNext, endCursor), totalCount);
    }
}
