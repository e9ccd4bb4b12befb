using CxActors.Api.Data;
using GraphQL.Resolvers;
using CxActors.Access;
using CxActors.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Schema;

public sealed class QueryGraphType : ObjectGraphType
{

    public QueryGraphType()
    {
        Name = "Query";

        Field<CustomerGraphType>("customer")
            .Description("A customer by e-mail address (in any case, surrounding spaces ignored) or by a phone number linked to it; null if unknown.")
            .Argument<NonNullGraphType<StringGraphType>>("id", "An e-mail address, or a phone number (any form of the same number: +55 71 99999-0000, (71) 99999-0000).")
            .Resolve(ctx => Lookup(ctx.RequestServices!.GetRequiredService<CustomerLoader>(),
                ctx.RequestServices!.GetRequiredService<IOptions<PhoneOptions>>().Value.DefaultRegion, ctx.GetArgument<string>("id")));

        Field<NonNullGraphType<CustomerConnectionGraphType>>("customers")
            .Description("All customers in customer id order (binary order of the lower-case e-mail).")
            .Argument<IntGraphType>("first", "Page size, 1..100.", a => a.DefaultValue = Paging.DefaultFirst)
            .Argument<StringGraphType>("after", "The endCursor of the previous page.")
            .Resolve(new FuncFieldResolver<object?>(async ctx =>
            {
                var services = CustomerGraphType.Services(ctx);
                var first = Paging.First(ctx);
                var after = services.Cursors.ParseCustomer(ctx.GetArgument<string?>("after"));
                return await Paging.PageAsync(first, limit => services.Reporting.CustomerIdsAsync(after, limit, ctx.CancellationToken),
                    id => new CustomerNode(services.Grains, id), node => services.Cursors.Customer(node.Id), services.Reporting.CountCustomersAsync);
            }));

        Field<NonNullGraphType<CustomerCountConnectionGraphType>>("contactCounts")
            .Description(
                "Per customer, contacts with since < startedAt <= until (until defaults to now, since to until - 24 h). " +
                "Customers without any are left out. Most contacts first; customers with equal counts in customer id order.")
            .Argument<CxDateTimeGraphType>("since")
            .Argument<CxDateTimeGraphType>("until")
            .Argument<ChannelGraphType>("channel", "Only contacts on this platform.")
            .Argument<IntGraphType>("first", "Page size, 1..100.", a => a.DefaultValue = Paging.DefaultFirst)
            .Argument<StringGraphType>("after", "The endCursor of the previous page.")
            .Resolve(new FuncFieldResolver<object?>(async ctx =>
            {
                var services = CustomerGraphType.Services(ctx);
                var first = Paging.First(ctx);
                var after = services.Cursors.ParseCount(ctx.GetArgument<string?>("after"));
                var (since, until) = Window.From(ctx, services.UtcNow);
                var channel = ctx.GetArgument<Channel?>("channel");
                return await CountPageAsync(services, first, limit => services.Reporting.ContactCountsAsync(since, until, channel, after, limit, ctx.CancellationToken),
                    ct => services.Reporting.CountContactingCustomersAsync(since, until, channel, ct));
            }));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContactStatsBucketGraphType>>>>("contactStats")
            .Description(
                "Contacts with since <= startedAt < until, per bucket (an hour or a day of timeZone) and channel, from the hourly " +
                "rollups. since and until must fall on whole hours of timeZone, an IANA name whose UTC offset is whole hours; " +
                "at most 366 days with HOUR buckets, 3660 with DAY. Buckets without contacts are left out; ordered by start, " +
                "then channel in the enum's order.")
            .Argument<NonNullGraphType<CxDateTimeGraphType>>("since")
            .Argument<NonNullGraphType<CxDateTimeGraphType>>("until")
            .Argument<BucketGraphType>("bucket", a => a.DefaultValue = Bucket.Day)
            .Argument<StringGraphType>("timeZone", a => a.DefaultValue = "UTC")
            .Argument<ChannelGraphType>("channel", "Only contacts on this platform.")
            .Resolve(new FuncFieldResolver<object?>(async ctx =>
            {
                var services = CustomerGraphType.Services(ctx);
                var since = ctx.GetArgument<DateTime>("since");
                var until = ctx.GetArgument<DateTime>("until");
                var bucket = ctx.GetArgument<Bucket?>("bucket") ?? Bucket.Day;
                var zone = ContactStats.TimeZone(ctx.GetArgument<string?>("timeZone") ?? "UTC");
                ContactStats.Check(since, until, bucket, zone);
                var hours = await services.Reporting.HourlyContactsAsync(since, until, ctx.GetArgument<Channel?>("channel"), ctx.CancellationToken);
                return ContactStats.Group(hours, bucket, zone);
            }));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RejectionCountGraphType>>>>("rejectionCounts")
            .Description(
                "Records the ingest endpoints refused with since <= receivedAt < until, per endpoint and kind of reason. " +
                "Most first, then by endpoint and reason.")
            .Argument<NonNullGraphType<CxDateTimeGraphType>>("since")
            .Argument<NonNullGraphType<CxDateTimeGraphType>>("until")
            .Resolve(new FuncFieldResolver<object?>(async ctx =>
            {
                var since = ctx.GetArgument<DateTime>("since");
                var until = ctx.GetArgument<DateTime>("until");
                if (until < since)
                    throw new ExecutionError("Argument 'until' must not be before 'since'.") { Code = ErrorCodes.InvalidArgument };
                return await CustomerGraphType.Services(ctx).Reporting.RejectionCountsAsync(since, until, ctx.CancellationToken);
            }));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResolutionStatsGraphType>>>>("resolutionStats")
            .Description(
                "Per channel (in PHONE, CHAT, WHATSAPP, EMAIL order; channels without contacts left out), the contacts with " +
                "since <= startedAt < until that exist as of asOf (startedAt <= asOf), with their repeats, channel switches and resolutions.")
            .Argument<NonNullGraphType<CxDateTimeGraphType>>("since")
            .Argument<NonNullGraphType<CxDateTimeGraphType>>("until")
            .Argument<IntGraphType>("withinHours", RepeatArguments.WithinHoursDescription, a => a.DefaultValue = RepeatWindow.DefaultHours)
            .Argument<CxDateTimeGraphType>("asOf", "The time of the answer; now when omitted.")
            .Resolve(new FuncFieldResolver<object?>(async ctx =>
            {
                var services = CustomerGraphType.Services(ctx);
                var hours = RepeatArguments.WithinHours(ctx);
                var since = ctx.GetArgument<DateTime>("since");
                var until = ctx.GetArgument<DateTime>("until");
                RepeatArguments.SinceBeforeUntil(since, until);
                var asOf = ctx.GetArgument<DateTime?>("asOf") ?? services.UtcNow;
                return await services.Reporting.ResolutionStatsAsync(since, until, RepeatWindow.Of(hours), asOf, ctx.CancellationToken);
            }));

        Field<NonNullGraphType<CustomerCountConnectionGraphType>>("repeatCallers")
            .Description(
                "Customers with at least minRepeats repeats among their contacts with since < startedAt <= until (until defaults " +
                "to now, since to until - 24 h); contacts = their repeats. Most repeats first, then customer id.")
            .Argument<CxDateTimeGraphType>("since")
            .Argument<CxDateTimeGraphType>("until")
            .Argument<IntGraphType>("withinHours", RepeatArguments.WithinHoursDescription, a => a.DefaultValue = RepeatWindow.DefaultHours)
            .Argument<IntGraphType>("minRepeats", "At least this many repeats, 1 or more.", a => a.DefaultValue = 1)
            .Argument<IntGraphType>("first", "Page size, 1..100.", a => a.DefaultValue = Paging.DefaultFirst)
            .Argument<StringGraphType>("after", "The endCursor of the previous page.")
            .Resolve(new FuncFieldResolver<object?>(async ctx =>
            {
                var services = CustomerGraphType.Services(ctx);
                var first = Paging.First(ctx);
                var window = RepeatWindow.Of(RepeatArguments.WithinHours(ctx));
                var minRepeats = RepeatArguments.MinRepeats(ctx);
                var after = services.Cursors.ParseCount(ctx.GetArgument<string?>("after"));
                var (since, until) = Window.From(ctx, services.UtcNow);
                RepeatArguments.SinceBeforeUntil(since, until);
                return await CountPageAsync(services, first, limit => services.Reporting.RepeatCallersAsync(since, until, window, minRepeats, after, limit, ctx.CancellationToken),
                    ct => services.Reporting.CountRepeatCallersAsync(since, until, window, minRepeats, ct));
            }));

        Field<NonNullGraphType<PhoneConflictConnectionGraphType>>("phoneConflicts")
            .Description("Phone numbers seen with a second customer's e-mail, in the order recorded. Needs scope admin (FORBIDDEN otherwise).")
            .Argument<IntGraphType>("first", "Page size, 1..100.", a => a.DefaultValue = Paging.DefaultFirst)
            .Argument<StringGraphType>("after", "The endCursor of the previous page.")
            .Resolve(new FuncFieldResolver<object?>(async ctx =>
            {
                // The endpoint needs read; this field names customers across the fleet, so it needs admin too, from a key or
                // a token: a browser session is for reading (as the admin policy says for /privacy).
                if (ctx.User is not { } user || !user.HasClaim(Scopes.ClaimType, Scopes.Admin)
                    || user.HasClaim(Scopes.CredentialClaimType, AccessPrincipal.CookieCredential))
                    throw new ExecutionError("phoneConflicts needs scope admin.") { Code = ErrorCodes.Forbidden };
                var services = CustomerGraphType.Services(ctx);
                var first = Paging.First(ctx);
                var after = services.Cursors.ParsePhoneConflict(ctx.GetArgument<string?>("after"));
                return await Paging.PageAsync(first, limit => services.Reporting.PhoneConflictsAsync(after, limit, ctx.CancellationToken),
                    static (PhoneConflict row) => row, row => services.Cursors.PhoneConflict(row.Id), services.Reporting.CountPhoneConflictsAsync);
            }));
    }

    /// <summary>A page of contactCounts or repeatCallers: (customer, count) rows, positioned by the count cursor.</summary>
    private static Task<Connection<CustomerCountNode>> CountPageAsync(CxGraphServices services, int first,
        Func<int, Task<List<CustomerContacts>>> readRows, Func<CancellationToken, Task<int>> totalCount) =>
        Paging.PageAsync(first, readRows, row => new CustomerCountNode(new CustomerNode(services.Grains, row.CustomerId), row.Contacts),
            node => services.Cursors.Count(node.Contacts, node.Customer.Id), totalCount);

    /// <summary>An e-mail (contains '@') goes to its grain; anything else is a phone number, looked up in E.164 (null when not a valid number).</summary>
    private static object? Lookup(CustomerLoader loader, string defaultRegion, string id)
    {
        var key = CustomerIds.Normalize(id);
        if (key.Contains('@'))
            return key.Length <= CustomerIds.MaxLength ? loader.ByEmail(key) : null;
        return Phones.TryNormalize(id, defaultRegion, out var e164, out _) ? loader.ByPhone(e164) : null;
    }
}
