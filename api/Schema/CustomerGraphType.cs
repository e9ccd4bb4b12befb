using CxActors.Api.Data;
using GraphQL.Resolvers;
using Microsoft.Extensions.DependencyInjection;

namespace CxActors.Api.Schema;

/// <summary>A customer; every field but the id is answered by the customer's grain from its live state.</summary>
public sealed class CustomerGraphType : ObjectGraphType<CustomerNode>
{
    public CustomerGraphType()
    {
        Name = "Customer";
        Description = "A customer, identified by the e-mail address (trimmed, lower-case).";

        Field<NonNullGraphType<StringGraphType>>("id").Description("The customer id: the e-mail address, trimmed and lower-cased.").Resolve(ctx => ctx.Source.Id);
        Field<StringGraphType>("email").Resolve(ctx => ctx.Source.Id);
        ProfileField<StringGraphType>("name", "The name the newest interaction that had one gave.", p => p?.Name);
        ProfileField<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("phones", "Phone numbers seen with this customer, digits only.",
            p => p?.Phones ?? []);

        Field<NonNullGraphType<IntGraphType>>("contactsLast24h")
            .Description("Contacts with asOf - 24 h < startedAt <= asOf, on every channel.")
            .Argument<CxDateTimeGraphType>("asOf", "The end of the 24-hour window; now when omitted.")
            .Resolve(new FuncFieldResolver<CustomerNode, object?>(async ctx =>
            {
                var asOf = ctx.GetArgument<DateTime?>("asOf") ?? Services(ctx).UtcNow;
                return await ctx.Source.Grain.CountContactsAsync(ContactWindow.DayBefore(asOf), asOf, null).WaitAsync(ctx.CancellationToken);
            }));

        Field<NonNullGraphType<IntGraphType>>("contactCount")
            .Description("Contacts with since < startedAt <= until; until defaults to now, since to until - 24 h.")
            .Argument<CxDateTimeGraphType>("since")
            .Argument<CxDateTimeGraphType>("until")
            .Argument<ChannelGraphType>("channel", "Only contacts on this platform.")
            .Resolve(new FuncFieldResolver<CustomerNode, object?>(async ctx =>
            {
                var (since, until) = Window.From(ctx, Services(ctx).UtcNow);
                return await ctx.Source.Grain.CountContactsAsync(since, until, ctx.GetArgument<Channel?>("channel")).WaitAsync(ctx.CancellationToken);
            }));

        Field<NonNullGraphType<IntGraphType>>("repeatContacts")
            .Description(
                "Repeat contacts among the contacts with since < startedAt <= until (until defaults to now, since to until - 24 h): " +
                "those with an earlier contact within withinHours. With channel, only repeats on that channel (the earlier contact may be on any).")
            .Argument<CxDateTimeGraphType>("since")
            .Argument<CxDateTimeGraphType>("until")
            .Argument<IntGraphType>("withinHours", RepeatArguments.WithinHoursDescription, a => a.DefaultValue = RepeatWindow.DefaultHours)
            .Argument<ChannelGraphType>("channel", "Only repeats on this platform.")
            .Resolve(new FuncFieldResolver<CustomerNode, object?>(ctx => CountRepeatsAsync(ctx, ctx.GetArgument<Channel?>("channel"), switchesOnly: false)));

        Field<NonNullGraphType<IntGraphType>>("channelSwitches")
            .Description("Repeats among the contacts with since < startedAt <= until whose latest earlier contact is on another channel.")
            .Argument<CxDateTimeGraphType>("since")
            .Argument<CxDateTimeGraphType>("until")
            .Argument<IntGraphType>("withinHours", RepeatArguments.WithinHoursDescription, a => a.DefaultValue = RepeatWindow.DefaultHours)
            .Resolve(new FuncFieldResolver<CustomerNode, object?>(ctx => CountRepeatsAsync(ctx, null, switchesOnly: true)));

        ProfileField<NonNullGraphType<ListGraphType<NonNullGraphType<ChannelCountGraphType>>>>("interactionCounts",
            "All-time interactions per platform: one entry per channel with at least one, in PHONE, CHAT, WHATSAPP, EMAIL order.",
            p => p?.ChannelCounts ?? []);

        Field<NonNullGraphType<InteractionConnectionGraphType>>("interactions")
            .Description("The customer's interactions, newest first (startedAt, then id, descending).")
            .Argument<ChannelGraphType>("channel", "Only interactions on this platform.")
            .Argument<IntGraphType>("first", "Page size, 1..100.", a => a.DefaultValue = Paging.DefaultFirst)
            .Argument<StringGraphType>("after", "The endCursor of the previous page.")
            .Resolve(new FuncFieldResolver<CustomerNode, object?>(async ctx =>
            {
                var first = Paging.First(ctx);
                var cursors = Services(ctx).Cursors;
                var after = cursors.ParseInteraction(ctx.GetArgument<string?>("after"));
                var page = await ctx.Source.Grain.GetInteractionsAsync(ctx.GetArgument<Channel?>("channel"), first, after).WaitAsync(ctx.CancellationToken);
                var last = page.Nodes.Count > 0 ? page.Nodes[^1] : null;
                var endCursor = last is null ? null : cursors.Interaction(new InteractionCursor(last.StartedAt, last.Id));
                return new Connection<Interaction>(page.Nodes, new PageInfo(page.HasNextPage, endCursor), page.TotalCount);
            }));

        ProfileField<InteractionGraphType>("lastInteraction", "The interaction with the greatest startedAt (then the greatest id).",
            p => p?.LastInteraction);
        ProfileField<CxDateTimeGraphType>("firstContactAt", "The startedAt of the customer's earliest interaction.", p => p?.FirstContactAt);
        ProfileField<NonNullGraphType<IntGraphType>>("totalContacts", "All-time interactions on every platform.", p => p?.TotalContacts ?? 0);
    }

    private static async ValueTask<object?> CountRepeatsAsync(IResolveFieldContext<CustomerNode> context, Channel? channel, bool switchesOnly)
    {
        var hours = RepeatArguments.WithinHours(context);
        var (since, until) = Window.From(context, Services(context).UtcNow);
        RepeatArguments.SinceBeforeUntil(since, until);
        return await context.Source.Grain.CountRepeatsAsync(since, until, hours, channel, switchesOnly).WaitAsync(context.CancellationToken);
    }

    internal static CxGraphServices Services(IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<CxGraphServices>();

    /// <summary>A field read from the grain's profile; synchronous when the profile is already at hand.</summary>
    private void ProfileField<TGraphType>(string name, string description, Func<CustomerProfile?, object?> select)
        where TGraphType : IGraphType
    {
        Field<TGraphType>(name)
            .Description(description)
            .Resolve(new FuncFieldResolver<CustomerNode, object?>(ctx =>
            {
                var profile = ctx.Source.ProfileAsync();
                return profile.IsCompletedSuccessfully ? new ValueTask<object?>(select(profile.Result)) : AwaitAsync(profile.WaitAsync(ctx.CancellationToken), select);
            }));

        static async ValueTask<object?> AwaitAsync(Task<CustomerProfile?> profile, Func<CustomerProfile?, object?> select) => select(await profile);
    }
}
