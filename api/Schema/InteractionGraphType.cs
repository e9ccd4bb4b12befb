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
        Field<NonNullGraphType<BooleanGraphType>>("isRepeat")
            .Description("Whether the customer had another contact in the withinHours before this one (equal times: a smaller id is earlier).")
            .Argument<IntGraphType>("withinHours", RepeatArguments.WithinHoursDescription, a => a.DefaultValue = RepeatWindow.DefaultHours)
            .ResolveAsync(async ctx => (await ClassifyAsync(ctx, asOf: null)).IsRepeat);
        Field<NonNullGraphType<BooleanGraphType>>("isChannelSwitch")
            .Description("Whether this is a repeat whose latest earlier contact within withinHours is on another channel.")
            .Argument<IntGraphType>("withinHours", RepeatArguments.WithinHoursDescription, a => a.DefaultValue = RepeatWindow.DefaultHours)
            .ResolveAsync(async ctx => (await ClassifyAsync(ctx, asOf: null)).IsChannelSwitch);
        Field<NonNullGraphType<ResolutionGraphType>>("resolution")
            .Description("REPEATED when a later contact starts within withinHours; else OPEN while the window has not passed as of asOf; else RESOLVED. Contacts after asOf do not exist yet.")
            .Argument<IntGraphType>("withinHours", RepeatArguments.WithinHoursDescription, a => a.DefaultValue = RepeatWindow.DefaultHours)
            .Argument<CxDateTimeGraphType>("asOf", "The time of the answer; now when omitted.")
            .ResolveAsync(async ctx => (await ClassifyAsync(ctx, ctx.GetArgument<DateTime?>("asOf"))).Resolution);
        Field<StringGraphType>("sourceId").Description("The source system's id exactly as given, when it gave one.").Resolve(ctx => ctx.Source.SourceId);
    }

    /// <summary>The flags from the customer's grain, which reads the neighbours outside its window from the log.</summary>
    private static Task<ContactResolution> ClassifyAsync(IResolveFieldContext<Interaction> context, DateTime? asOf)
    {
        var hours = RepeatArguments.WithinHours(context);
        var services = CustomerGraphType.Services(context);
        var interaction = context.Source;
        return services.Grains.GetCustomer(interaction.CustomerId)
            .ClassifyAsync(interaction.Id, interaction.StartedAt, interaction.Channel, hours, asOf ?? services.UtcNow)
            .WaitAsync(context.CancellationToken);
    }
}
