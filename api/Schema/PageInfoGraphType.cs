namespace CxActors.Api.Schema;

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
