using CxActors.Api.Data;

namespace CxActors.Api.Schema;

public sealed class ResolutionStatsGraphType : ObjectGraphType<ResolutionStats>
{
    public ResolutionStatsGraphType()
    {
        Name = "ResolutionStats";
        Description = "One channel's contacts in the window and how they fared under the repeat rules.";
        Field<NonNullGraphType<ChannelGraphType>>("channel").Resolve(ctx => ctx.Source.Channel);
        Field<NonNullGraphType<IntGraphType>>("contacts").Resolve(ctx => ctx.Source.Contacts);
        Field<NonNullGraphType<IntGraphType>>("repeats").Description("Contacts with an earlier contact of the customer within the window.").Resolve(ctx => ctx.Source.Repeats);
        Field<NonNullGraphType<IntGraphType>>("channelSwitches").Description("Repeats whose latest earlier contact is on another channel.").Resolve(ctx => ctx.Source.ChannelSwitches);
        Field<NonNullGraphType<IntGraphType>>("resolved").Resolve(ctx => ctx.Source.Resolved);
        Field<NonNullGraphType<IntGraphType>>("repeated").Resolve(ctx => ctx.Source.Repeated);
        Field<NonNullGraphType<IntGraphType>>("open").Resolve(ctx => ctx.Source.Open);
        Field<FloatGraphType>("fcr").Description("First-contact resolution, resolved / (resolved + repeated); null when both are 0.").Resolve(ctx => ctx.Source.Fcr);
    }
}
