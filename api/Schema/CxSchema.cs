namespace CxActors.Api.Schema;

/// <summary>The CxActors GraphQL schema (code-first); <c>api/schema.graphql</c> is its printed form.</summary>
public sealed class CxSchema : GraphQL.Types.Schema
{
    public CxSchema(IServiceProvider services, QueryGraphType query, SubscriptionGraphType subscription) : base(services)
    {
        Query = query;
        Subscription = subscription;
        Description = "CxActors: customers' contacts across phone, chat, WhatsApp and e-mail.";
    }
}
