namespace CxActors.Api.Schema;

/// <summary>A page of a list. The total is counted only when the document asks for <c>totalCount</c>.</summary>
public sealed class Connection<TNode>(IReadOnlyList<TNode> nodes, PageInfo pageInfo, Func<CancellationToken, Task<int>> totalCount)
{
    public Connection(IReadOnlyList<TNode> nodes, PageInfo pageInfo, int totalCount)
        : this(nodes, pageInfo, _ => Task.FromResult(totalCount))
    {
    }

    public IReadOnlyList<TNode> Nodes { get; } = nodes;
    public PageInfo PageInfo { get; } = pageInfo;
    public Task<int> TotalCountAsync(CancellationToken cancellationToken) => totalCount(cancellationToken);
}
