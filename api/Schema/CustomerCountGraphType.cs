namespace CxActors.Api.Schema;

public sealed class CustomerCountGraphType : ObjectGraphType<CustomerCountNode>
{
    public CustomerCountGraphType()
    {
        Name = "CustomerCount";
        Field<NonNullGraphType<StringGraphType>>("customerId").Resolve(ctx => ctx.Source.Customer.Id);
        Field<NonNullGraphType<IntGraphType>>("contacts")
            .Description("contactCounts: contacts in the window (on the channel, when one was given); repeatCallers: repeats among them.")
            .Resolve(ctx => ctx.Source.Contacts);
        Field<NonNullGraphType<CustomerGraphType>>("customer")
            .Description("The customer, answered by its grain.")
            .Resolve(ctx => ctx.Source.Customer);
    }
}
