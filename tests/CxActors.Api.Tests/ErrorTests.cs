using System.Net;

namespace CxActors.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ErrorTests(ApiFixture api)
{
    [Theory]
    [InlineData("{ customers(first: 0) { totalCount } }", 0, "[\"customers\"]")]
    [InlineData("{ customers(first: 101) { totalCount } }", 101, "[\"customers\"]")]
    [InlineData("{ contactCounts(first: -1) { totalCount } }", -1, "[\"contactCounts\"]")]
    [InlineData("{ contactCounts(first: 101) { totalCount } }", 101, "[\"contactCounts\"]")]
    public async Task First_outside_1_to_100_is_an_error_naming_the_argument(string query, int first, string path)
    {
        var response = await api.QueryAsync(query);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(($"Argument 'first' must be between 1 and 100; got {first}.", path, "INVALID_ARGUMENT"), response.Error);
    }

    [Fact]
    public async Task First_is_checked_on_a_customers_interactions_too_and_other_aliases_still_answer()
    {
        var customer = Interactions.NewCustomer();
        await api.IngestAsync(new { customer, channel = "CHAT", startedAt = "2020-02-02T02:02:02Z" });

        var response = await api.QueryAsync($$"""
            { ok: customer(id: "{{customer}}") { totalContacts } bad: customer(id: "{{customer}}") { interactions(first: 0) { totalCount } } }
            """);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(("Argument 'first' must be between 1 and 100; got 0.", "[\"bad\",\"interactions\"]", "INVALID_ARGUMENT"), response.Error);
        Assert.Equal("""{"ok":{"totalContacts":1},"bad":null}""", response.Json["data"]!.ToJsonString());
    }

    // Found by the HTTP fuzz run: the complexity analyzer unboxed an explicit null `first` and the request was a 500.
    [Fact]
    public async Task An_explicit_null_first_is_the_default_page_size_as_a_literal_and_as_a_variable()
    {
        var customer = Interactions.NewCustomer();
        await api.IngestAsync(new { customer, channel = "CHAT", startedAt = "2020-02-02T02:02:02Z" });

        var literal = await api.QueryAsync($$"""{ customer(id: "{{customer}}") { interactions(first: null) { totalCount nodes { channel } } } }""",
            accept: "application/graphql-response+json");
        var variable = await api.QueryAsync("query Q($id: String!, $first: Int) { customer(id: $id) { interactions(first: $first) { totalCount nodes { channel } } } }",
            new { id = customer, first = (int?)null }, accept: "application/graphql-response+json");

        Assert.Equal("""{"customer":{"interactions":{"totalCount":1,"nodes":[{"channel":"CHAT"}]}}}""", literal.Data);
        Assert.Equal("""{"customer":{"interactions":{"totalCount":1,"nodes":[{"channel":"CHAT"}]}}}""", variable.Data);
    }

    // Found by the HTTP fuzz run: GraphQL-Parser failed with an IndexOutOfRangeException composing the message of a
    // syntax error after a bare CR, and the request was a 500.
    [Theory]
    [InlineData("\r\"abc", 2, 5)]
    [InlineData("{\r\n\r id \r\"abc", 4, 5)]
    public async Task A_syntax_error_after_a_bare_carriage_return_is_a_400_with_its_location(string query, int line, int column)
    {
        var response = await api.QueryAsync(query, accept: "application/graphql-response+json");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(("Error parsing query: Unterminated string.", null, "SYNTAX_ERROR"), response.Error);
        Assert.Equal($$"""[{"line":{{line}},"column":{{column}}}]""", response.Json["errors"]![0]!["locations"]!.ToJsonString());
    }

    [Theory]
    [InlineData("{ customers(after: \"not-a-cursor!\") { totalCount } }", "[\"customers\"]")]
    [InlineData("{ customers(after: \"\") { totalCount } }", "[\"customers\"]")]
    [InlineData("{ contactCounts(after: \"aGVsbG8\") { totalCount } }", "[\"contactCounts\"]")]
    // What a customers cursor was before cursors were sealed (u + id, base64url), handed to contactCounts.
    [InlineData("{ contactCounts(after: \"dWFAYi5j\") { totalCount } }", "[\"contactCounts\"]")]
    public async Task A_bad_cursor_is_an_error_with_a_code(string query, string path)
    {
        var response = await api.QueryAsync(query);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(("Argument 'after' is not a cursor of this list: pass a pageInfo.endCursor returned by the same field.", path, "INVALID_CURSOR"), response.Error);
    }

    [Fact]
    public async Task A_bad_interactions_cursor_is_an_error_with_a_code()
    {
        var customer = Interactions.NewCustomer();
        await api.IngestAsync(new { customer, channel = "CHAT", startedAt = "2020-02-02T02:02:02Z" });

        var response = await api.QueryAsync($$"""{ customer(id: "{{customer}}") { interactions(after: "Zm9v") { totalCount } } }""");

        Assert.Equal(("Argument 'after' is not a cursor of this list: pass a pageInfo.endCursor returned by the same field.", "[\"customer\",\"interactions\"]", "INVALID_CURSOR"),
            response.Error);
    }

    [Fact]
    public async Task A_DateTime_without_an_offset_is_refused_as_a_literal_and_as_a_variable()
    {
        var literal = await api.QueryAsync("""{ contactCounts(until: "2024-03-01T10:00:00") { totalCount } }""", accept: GraphQLHttp.GraphQLResponseJson);
        Assert.Equal(HttpStatusCode.BadRequest, literal.Status);
        Assert.Equal(
            ("Argument 'until' has invalid value. Expected type 'DateTime', found \"2024-03-01T10:00:00\". " +
             "A DateTime is an ISO-8601 date and time with Z or a UTC offset, e.g. 2024-03-01T10:00:00Z or 2024-03-01T07:00:00-03:00.", null, "ARGUMENTS_OF_CORRECT_TYPE"),
            literal.Error);

        var variable = await api.QueryAsync("query($t: DateTime) { contactCounts(since: $t) { totalCount } }", new { t = "2024-03-01 10:00" }, accept: GraphQLHttp.GraphQLResponseJson);
        Assert.Equal(HttpStatusCode.BadRequest, variable.Status);
        Assert.Equal(
            ("Variable '$t' is invalid. Unable to convert '2024-03-01 10:00' to 'DateTime' " +
             "DateTime '2024-03-01 10:00' has no UTC offset: give an ISO-8601 date and time with Z or an offset, e.g. 2024-03-01T10:00:00Z or 2024-03-01T07:00:00-03:00.",
             null, "INVALID_VALUE"),
            variable.Error);

        var notADate = await api.QueryAsync("query($t: DateTime) { contactCounts(since: $t) { totalCount } }", new { t = "yesterday+1" }, accept: GraphQLHttp.GraphQLResponseJson);
        Assert.Equal(HttpStatusCode.BadRequest, notADate.Status);
        Assert.Equal("INVALID_VALUE", notADate.Error.Code);
    }

    /// <summary>
    /// A document that cannot be executed: 400 for a client that accepts application/graphql-response+json; for a
    /// client that accepts only application/json (or sends no Accept), GraphQL over HTTP answers 200 with the errors,
    /// unless the request could not be read at all (last six rows), which is 400 for everyone.
    /// </summary>
    [Theory]
    [InlineData("""{"query":"{ customer(id: "}""", "SYNTAX_ERROR", true)]
    [InlineData("""{"query":"{ customer(id: \"a@b.c\") { nope } }"}""", "FIELDS_ON_CORRECT_TYPE", true)]
    [InlineData("""{"query":"{ customer { id } }"}""", "PROVIDED_NON_NULL_ARGUMENTS", true)]
    [InlineData("""{"query":"{ contactCounts(channel: FAX) { totalCount } }"}""", "ARGUMENTS_OF_CORRECT_TYPE", true)]
    [InlineData("""{"query":"mutation { x }"}""", "OPERATION_NOT_SUPPORTED", true)]
    [InlineData("""{"query":"query A { customers { totalCount } } query B { customers { totalCount } }"}""", "NO_OPERATION_NAME", true)]
    [InlineData("""{"query":""}""", "INVALID_REQUEST", false)]
    [InlineData("""{"variables":{}}""", "INVALID_REQUEST", false)]
    [InlineData("""[{"query":"{ customers { totalCount } }"}]""", "INVALID_REQUEST", false)]
    [InlineData("""{"query": 42}""", "INVALID_REQUEST", false)]
    [InlineData("not json", "INVALID_REQUEST", false)]
    [InlineData("", "INVALID_REQUEST", false)]
    public async Task A_document_that_cannot_be_executed_gets_400_with_GraphQL_errors(string body, string code, bool readable)
    {
        var response = await api.PostAsync(body, accept: GraphQLHttp.GraphQLResponseJson);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(GraphQLHttp.GraphQLResponseJson, response.ContentType);
        Assert.Null(response.Json["data"]);
        Assert.Equal(code, response.Json["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(response.Json["errors"]![0]!["message"]!.GetValue<string>()));

        foreach (var accept in new[] { null, "application/json", "*/*" })
        {
            var legacy = await api.PostAsync(body, accept: accept);

            Assert.Equal(readable ? HttpStatusCode.OK : HttpStatusCode.BadRequest, legacy.Status);
            Assert.Equal("application/json", legacy.ContentType);
            Assert.Null(legacy.Json["data"]);
            Assert.Equal(response.Body, legacy.Body);
        }
    }

    [Fact]
    public async Task Speaks_graphql_response_json_when_accepted_and_takes_application_graphql_bodies()
    {
        var ok = await api.PostAsync("""{"query":"{ customers(first: 1) { pageInfo { hasNextPage } } }"}""", accept: "application/graphql-response+json, application/json;q=0.9");
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal("application/graphql-response+json", ok.ContentType);

        var bad = await api.PostAsync("""{"query":"{"}""", accept: "application/graphql-response+json");
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("application/graphql-response+json", bad.ContentType);

        var raw = await api.PostAsync("{ unknown: customer(id: \"nobody@example.com\") { id } }", contentType: "application/graphql");
        Assert.Equal("""{"unknown":null}""", raw.Data);
    }

    [Fact]
    public async Task Get_executes_queries_from_the_query_string_for_non_browsers()
    {
        using var ok = await api.Http.GetAsync("/graphql?query=" + Uri.EscapeDataString("query($id: String!) { customer(id: $id) { id } }") +
            "&variables=" + Uri.EscapeDataString("{\"id\":\"nobody@example.com\"}"));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("""{"data":{"customer":null}}""", await ok.Content.ReadAsStringAsync());

        using var missing = await api.Http.GetAsync("/graphql");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task GraphiQLs_introspection_query_runs_under_the_default_limits()
    {
        var response = await api.QueryAsync(Documents.Introspection, operationName: "IntrospectionQuery");

        Assert.True(response.Status == HttpStatusCode.OK, response.Body);
        Assert.Null(response.Json["errors"]);
        Assert.Equal("Query", response.Json["data"]!["__schema"]!["queryType"]!["name"]!.GetValue<string>());
        Assert.Contains(response.Json["data"]!["__schema"]!["types"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "CustomerCountConnection");
    }

    [Fact]
    public async Task A_document_nested_too_deep_is_refused()
    {
        var deep = "{ __schema { types { " + string.Concat(Enumerable.Repeat("ofType { ", 16)) + "name" + new string('}', 16) + " } } }";
        var response = await api.QueryAsync(deep, accept: GraphQLHttp.GraphQLResponseJson);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.Json["data"]);
        Assert.Contains("depth", response.Error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_document_too_complex_is_refused()
    {
        var aliases = string.Concat(Enumerable.Range(0, 60).Select(i =>
            $$"""a{{i}}: customer(id: "x{{i}}@example.com") { interactions(first: 100) { nodes { id channel startedAt agent } } }""" + "\n"));
        var response = await api.QueryAsync("{\n" + aliases + "}", accept: GraphQLHttp.GraphQLResponseJson);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.Json["data"]);
        Assert.Contains("complex", response.Error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
