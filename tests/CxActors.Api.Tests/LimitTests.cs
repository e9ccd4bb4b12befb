using System.Diagnostics;
using System.Net;

namespace CxActors.Api.Tests;

/// <summary>The depth, complexity and size limits apply to every request, with its own variables, cached text or not.</summary>
[Collection(ApiCollection.Name)]
public sealed class LimitTests(ApiFixture api)
{
    // customers(first: n) { nodes { interactions(first: n) { nodes { id channel startedAt } } } }:
    // 1 + n (nodes) + n (interactions) + n * n (nodes) + 3 * n * n (fields) = 7 for n = 1, 40,201 for n = 100.
    private const string Nested = "query($n:Int){customers(first:$n){nodes{interactions(first:$n){nodes{id channel startedAt}}}}}";
    private const string TooComplex = "Query is too complex to execute. Complexity is 40201; maximum allowed on this endpoint is 20000.";

    [Fact]
    public async Task A_document_seen_before_with_small_variables_is_still_refused_with_large_ones()
    {
        var small = await api.QueryAsync(Nested, new { n = 1 });
        Assert.Equal(HttpStatusCode.OK, small.Status);
        Assert.True(small.Json["errors"] is null, small.Body);

        var large = await api.QueryAsync(Nested, new { n = 100 });
        Assert.Equal(HttpStatusCode.OK, large.Status);
        Assert.Equal("application/json", large.ContentType);
        Assert.Null(large.Json["data"]);
        Assert.Equal((TooComplex, null, "COMPLEXITY"), large.Error);

        var again = await api.QueryAsync(Nested, new { n = 100 }, accept: GraphQLHttp.GraphQLResponseJson);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal((TooComplex, null, "COMPLEXITY"), again.Error);

        Assert.Equal(HttpStatusCode.OK, (await api.QueryAsync(Nested, new { n = 1 })).Status);
        Assert.True((await api.QueryAsync(Nested, new { n = 1 })).Json["errors"] is null);
    }

    [Fact]
    public async Task A_document_first_seen_with_large_variables_is_refused()
    {
        var text = "query First($n:Int){customers(first:$n){nodes{interactions(first:$n){nodes{id channel startedAt}}}}}";

        var large = await api.QueryAsync(text, new { n = 100 });

        Assert.Equal(HttpStatusCode.OK, large.Status);
        Assert.Null(large.Json["data"]);
        Assert.Equal((TooComplex, null, "COMPLEXITY"), large.Error);
    }

    [Fact]
    public async Task Five_thousand_aliases_are_refused_at_once_without_executing()
    {
        var document = "{" + string.Concat(Enumerable.Range(0, 5_000).Select(i => $" a{i}: contactCounts(first: 1) {{ totalCount }}")) + " }";

        // Refused by validation: no data at all, so nothing ran (executing it would have taken the request timeout).
        var response = await api.QueryAsync(document, accept: GraphQLHttp.GraphQLResponseJson);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.Json["data"]);
        Assert.Equal(
            ("The operation selects more than 100 top-level fields (aliases included); send at most 100 per request.", null, "TOO_MANY_FIELDS"),
            response.Error);

        var legacy = await api.QueryAsync(document);
        Assert.Equal(HttpStatusCode.OK, legacy.Status);
        Assert.Equal("TOO_MANY_FIELDS", legacy.Error.Code);
    }

    [Fact]
    public async Task Exactly_the_root_field_limit_runs()
    {
        var document = "{" + string.Concat(Enumerable.Range(0, 100).Select(i =>
            $$""" a{{i}}: contactCounts(since: "2001-01-01T00:00:00Z", until: "2001-01-02T00:00:00Z", first: 1) { totalCount }""")) + " }";

        var response = await api.QueryAsync(document);

        var data = System.Text.Json.Nodes.JsonNode.Parse(response.Data)!.AsObject();
        Assert.Equal(100, data.Count);
        Assert.All(data, entry => Assert.Equal("""{"totalCount":0}""", entry.Value!.ToJsonString()));
    }

    [Fact]
    public async Task Field_selections_are_limited_in_all_fragments_counted_at_each_use()
    {
        // 1 root field + 1,999 selections under it = 2,000 (the limit): runs.
        static string Document(int inner) =>
            "{ customer(id: \"nobody@example.com\") {" + string.Concat(Enumerable.Range(0, inner).Select(i => $" f{i}: id")) + " } }";
        var atLimit = await api.QueryAsync(Document(1_999));
        Assert.Equal("""{"customer":null}""", atLimit.Data);

        var over = await api.QueryAsync(Document(2_000), accept: GraphQLHttp.GraphQLResponseJson);
        Assert.Equal(HttpStatusCode.BadRequest, over.Status);
        Assert.Equal(
            ("The operation selects more than 2000 fields (fragments counted at each use); send at most 2000 per request.", null, "TOO_MANY_FIELDS"),
            over.Error);

        // 4 spreads of a 500-field fragment, plus the root field: 2,001.
        var fragment = "fragment F on Customer {" + string.Concat(Enumerable.Range(0, 500).Select(i => $" g{i}: id")) + " }";
        var spread = await api.QueryAsync("{ customer(id: \"nobody@example.com\") { ...F ...F ...F ...F } } " + fragment,
            accept: GraphQLHttp.GraphQLResponseJson);
        Assert.Equal(HttpStatusCode.BadRequest, spread.Status);
        Assert.Equal("TOO_MANY_FIELDS", spread.Error.Code);
    }
}
