namespace CxActors.Api.Schema;

public sealed class ChannelCountGraphType : ObjectGraphType<ChannelCount>
{
    public ChannelCountGraphType()
    {
        Name = "ChannelCount";
        Field<NonNullGraphType<ChannelGraphType>>("channel").Resolve(ctx => ctx.Source.Channel);
        Field<NonNullGraphType<IntGraphType>>("count").Resolve(ctx => ctx.Source.Count);
    }
}
