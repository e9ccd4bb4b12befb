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
                var after = Cursors.ParseCustomer(ctx.GetArgument<string?>("after"));
                var ids = await services.Reporting.CustomerIdsAsync(after, first + 1, ctx.CancellationToken);
                var hasNext = ids.Count > first;
                if (hasNext)
                    ids.RemoveAt(first);
                var nodes = ids.ConvertAll(id => new CustomerNode(services.Grains, id));
                var endCursor = nodes.Count > 0 ? Cursors.Customer(nodes[^1].Id) : null;
                return new Connection<CustomerNode>(nodes, new PageInfo(hasNext, endCursor), services.Reporting.CountCustomersAsync);
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
                var after = Cursors.ParseCount(ctx.GetArgument<string?>("after"));
                var (since, until) = Window.From(ctx, services.UtcNow);
                var channel = ctx.GetArgument<Channel?>("channel");
                var rows = await services.Reporting.ContactCountsAsync(since, until, channel, after, first + 1, ctx.CancellationToken);
                var hasNext = rows.Count > first;
                if (hasNext)
                    rows.RemoveAt(first);
                var nodes = rows.ConvertAll(r => new CustomerCountNode(new CustomerNode(services.Grains, r.CustomerId), r.Contacts));
                var endCursor = nodes.Count > 0 ? Cursors.Count(nodes[^1].Contacts, nodes[^1].Customer.Id) : null;
                return new Connection<CustomerCountNode>(nodes, new PageInfo(hasNext, endCursor),
                    ct => services.Reporting.CountContactingCustomersAsync(since, until, channel, ct));
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
                var after = Cursors.ParsePhoneConflict(ctx.GetArgument<string?>("after"));
                var rows = await services.Reporting.PhoneConflictsAsync(after, first + 1, ctx.CancellationToken);
                var hasNext = rows.Count > first;
                if (hasNext)
                    rows.RemoveAt(first);
                var endCursor = rows.Count > 0 ? Cursors.PhoneConflict(rows[^1].Id) : null;
                return new Connection<PhoneConflict>(rows, new PageInfo(hasNext, endCursor), services.Reporting.CountPhoneConflictsAsync);
            }));
    }

    /// <summary>An e-mail (contains '@') goes to its grain; anything else is a phone number, looked up in E.164 (null when not a valid number).</summary>
    private static object? Lookup(CustomerLoader loader, string defaultRegion, string id)
    {
        var key = CustomerIds.Normalize(id);
        if (key.Contains('@'))
            return key.Length <= CustomerIds.MaxLength ? loader.ByEmail(key) : null;
        return Phones.TryNormalize(id, defaultRegion, out var e164, out _) ? loader.ByPhone(e164) : null;
    }
}
