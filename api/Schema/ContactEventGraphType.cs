using CxActors.Api.Live;

namespace CxActors.Api.Schema;

public sealed class ContactEventGraphType : ObjectGraphType<ContactEvent>
{
    public ContactEventGraphType()
    {
        Name = "ContactEvent";
        Description = "A new contact, delivered once it is durable.";
        Field<NonNullGraphType<InteractionGraphType>>("interaction").Resolve(ctx => ctx.Source.Interaction);
        Field<NonNullGraphType<CustomerGraphType>>("customer").Description("Its customer, as of when the event is delivered.").Resolve(ctx => ctx.Source.Customer);
    }
}
