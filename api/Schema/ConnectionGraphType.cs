using GraphQL.Resolvers;

namespace CxActors.Api.Schema;

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
