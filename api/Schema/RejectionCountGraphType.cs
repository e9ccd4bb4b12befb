using CxActors.Api.Data;

namespace CxActors.Api.Schema;

public sealed class RejectionCountGraphType : ObjectGraphType<RejectionCount>
{
    public RejectionCountGraphType()
    {
        Name = "RejectionCount";
        Description = "Records an ingest endpoint refused, of one kind of reason.";
        Field<NonNullGraphType<StringGraphType>>("endpoint")
            .Description("The endpoint that received them: canonical, phone, chat, whatsapp or email.")
            .Resolve(ctx => ctx.Source.Endpoint);
        Field<NonNullGraphType<StringGraphType>>("reason")
            .Description("The field the first problem names and what was wrong with it (\"email: not an e-mail address\"), never a value; \"other\" when unrecognised.")
            .Resolve(ctx => ctx.Source.Reason);
        Field<NonNullGraphType<IntGraphType>>("count").Resolve(ctx => ctx.Source.Count);
    }
}
