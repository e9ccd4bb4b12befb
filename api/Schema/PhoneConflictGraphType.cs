using CxActors.Api.Data;

namespace CxActors.Api.Schema;

public sealed class PhoneConflictGraphType : ObjectGraphType<PhoneConflict>
{
    public PhoneConflictGraphType()
    {
        Name = "PhoneConflict";
        Description = "A phone number seen with a second customer's e-mail: recorded, never re-linked.";
        Field<NonNullGraphType<StringGraphType>>("phone").Description("The number, E.164.").Resolve(ctx => ctx.Source.Phone);
        Field<NonNullGraphType<StringGraphType>>("linkedCustomerId").Description("The customer the number is linked to (the first link).")
            .Resolve(ctx => ctx.Source.LinkedCustomerId);
        Field<NonNullGraphType<StringGraphType>>("otherCustomerId").Description("The customer of the record that showed the conflict.")
            .Resolve(ctx => ctx.Source.OtherCustomerId);
        Field<ChannelGraphType>("channel").Description("That record's channel; null when found while rewriting links stored before E.164.")
            .Resolve(ctx => ctx.Source.Channel);
        Field<StringGraphType>("interactionId").Description("That record's interaction id; null as for channel.").Resolve(ctx => ctx.Source.InteractionId);
        Field<CxDateTimeGraphType>("startedAt").Description("That record's startedAt; null as for channel.").Resolve(ctx => ctx.Source.StartedAt);
        Field<NonNullGraphType<CxDateTimeGraphType>>("detectedAt").Description("When the conflict was recorded.").Resolve(ctx => ctx.Source.DetectedAt);
    }
}
