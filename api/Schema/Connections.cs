using CxActors.Api.Data;
using GraphQL.Resolvers;

namespace CxActors.Api.Schema;

public sealed record PageInfo(bool HasNextPage, string? EndCursor);

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

public sealed record CustomerCountNode(CustomerNode Customer, int Contacts);

public sealed class PageInfoGraphType : ObjectGraphType<PageInfo>
{
    public PageInfoGraphType()
    {
        Name = "PageInfo";
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Resolve(ctx => ctx.Source.HasNextPage);
        Field<StringGraphType>("endCursor")
            .Description("Pass as `after` to get the next page; null when the page is empty.")
            .Resolve(ctx => ctx.Source.EndCursor);
    }
}

/// <summary>totalCount, nodes, pageInfo: the shape shared by every list of the API.</summary>
public abstract class ConnectionGraphType<TNode, TNodeGraphType> : ObjectGraphType<Connection<TNode>>
    where TNodeGraphType : IGraphType
{
    protected ConnectionGraphType(string name, string totalCountDescription)
    {
        Name = name;
        Field<NonNullGraphType<IntGraphType>>("totalCount")
            .Description(totalCountDescription)
            .Resolve(new FuncFieldResolver<Connection<TNode>, object?>(async ctx => await ctx.Source.TotalCountAsync(ctx.CancellationToken)));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeGraphType>>>>("nodes").Resolve(ctx => ctx.Source.Nodes);
        Field<NonNullGraphType<PageInfoGraphType>>("pageInfo").Resolve(ctx => ctx.Source.PageInfo);
    }
}

public sealed class InteractionConnectionGraphType() : ConnectionGraphType<Interaction, InteractionGraphType>(
    "InteractionConnection", "The customer's interactions (on the channel, when one was given).");

public sealed class CustomerConnectionGraphType() : ConnectionGraphType<CustomerNode, CustomerGraphType>(
    "CustomerConnection", "All customers.");

public sealed class CustomerCountConnectionGraphType() : ConnectionGraphType<CustomerCountNode, CustomerCountGraphType>(
    "CustomerCountConnection", "Customers with at least one contact in the window.");

public sealed class CustomerCountGraphType : ObjectGraphType<CustomerCountNode>
{
    public CustomerCountGraphType()
    {
        Name = "CustomerCount";
        Field<NonNullGraphType<StringGraphType>>("customerId").Resolve(ctx => ctx.Source.Customer.Id);
        Field<NonNullGraphType<IntGraphType>>("contacts")
            .Description("Contacts in the window (on the channel, when one was given).")
            .Resolve(ctx => ctx.Source.Contacts);
        Field<NonNullGraphType<CustomerGraphType>>("customer")
            .Description("The customer, answered by its grain.")
            .Resolve(ctx => ctx.Source.Customer);
    }
}
