using CxActors.Api.Live;
using Microsoft.Extensions.DependencyInjection;

namespace CxActors.Api.Schema;

public sealed class SubscriptionGraphType : ObjectGraphType
{
    public SubscriptionGraphType()
    {
        Name = "Subscription";

        Field<NonNullGraphType<ContactEventGraphType>, ContactEvent>("contactAdded")
            .Description(
                "Every new contact once it is stored durably, from any server of the cluster (re-deliveries of stored contacts " +
                "send nothing). Without `customer`, every customer's; without `channel`, every channel's.")
            .Argument<StringGraphType>("customer", "Only this customer's contacts: an e-mail address (in any case, surrounding spaces ignored).")
            .Argument<ChannelGraphType>("channel", "Only contacts on this platform.")
            .ResolveStream(ctx => ctx.RequestServices!.GetRequiredService<ContactFeedHub>().Open(
                ctx.GetArgument<string?>("customer"), ctx.GetArgument<Channel?>("channel"), LiveSession.Of(ctx.UserContext)));
    }
}
