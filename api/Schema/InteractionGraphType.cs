namespace CxActors.Api.Schema;

public sealed class InteractionGraphType : ObjectGraphType<Interaction>
{
    public InteractionGraphType()
    {
        Name = "Interaction";
        Description = "One contact of a customer on one platform.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("Stable id: a hash of the source id, else of (customer, channel, startedAt).").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<ChannelGraphType>>("channel").Resolve(ctx => ctx.Source.Channel);
        Field<NonNullGraphType<CxDateTimeGraphType>>("startedAt").Resolve(ctx => ctx.Source.StartedAt);
        Field<CxDateTimeGraphType>("endedAt").Resolve(ctx => ctx.Source.EndedAt);
        Field<StringGraphType>("agent").Resolve(ctx => ctx.Source.Agent);
        Field<StringGraphType>("status").Resolve(ctx => ctx.Source.Status);
        Field<StringGraphType>("queue").Resolve(ctx => ctx.Source.Queue);
        Field<StringGraphType>("classification").Resolve(ctx => ctx.Source.Classification);
        Field<StringGraphType>("subClassification").Resolve(ctx => ctx.Source.SubClassification);
        Field<IntGraphType>("feedbackScore").Resolve(ctx => ctx.Source.FeedbackScore);
        Field<StringGraphType>("feedbackComment").Resolve(ctx => ctx.Source.FeedbackComment);
        Field<IntGraphType>("waitSeconds").Resolve(ctx => ctx.Source.WaitSeconds);
        Field<IntGraphType>("handleSeconds").Resolve(ctx => ctx.Source.HandleSeconds);
        Field<StringGraphType>("sourceId").Description("The source system's id exactly as given, when it gave one.").Resolve(ctx => ctx.Source.SourceId);
    }
}
