using CxActors.Api.Data;

namespace CxActors.Api.Schema;

public sealed class ContactStatsBucketGraphType : ObjectGraphType<ContactStatsBucket>
{
    public ContactStatsBucketGraphType()
    {
        Name = "ContactStatsBucket";
        Description = "Contacts on one channel in one bucket.";
        Field<NonNullGraphType<CxDateTimeGraphType>>("start")
            .Description("When the bucket's hour or day begins in the time zone, as a UTC instant.")
            .Resolve(ctx => ctx.Source.Start);
        Field<NonNullGraphType<ChannelGraphType>>("channel").Resolve(ctx => ctx.Source.Channel);
        Field<NonNullGraphType<IntGraphType>>("contacts")
            .Description("Contacts with since <= startedAt < until in the bucket.")
            .Resolve(ctx => ctx.Source.Contacts);
    }
}
