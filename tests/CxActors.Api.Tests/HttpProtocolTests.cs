using System.Net;

namespace CxActors.Api.Tests;

/// <summary>GraphQL over HTTP as graphql-http's audit checks it: content types, status by Accept, request ids.</summary>
[Collection(ApiCollection.Name)]
public sealed class HttpProtocolTests(ApiFixture api)
{
    private const string Ok = """{"query":"{ __typename }"}""";

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/jsonx")]
    [InlineData(null)]
    public async Task A_post_that_is_not_application_json_is_415(string? contentType)
    {
        var response = await api.Http.PostGraphQLAsync(Ok, contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("application/json", response.ContentType);
        Assert.Null(response.Json["data"]);
        Assert.Equal(("Send the request with Content-Type: application/json.", null, "UNSUPPORTED_MEDIA_TYPE"), response.Error);
        Assert.False(string.IsNullOrEmpty(response.RequestId));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON; charset=UTF-8")]
    public async Task Application_json_with_or_without_charset_is_executed(string contentType)
    {
        var response = await api.Http.PostGraphQLAsync("""{"query":"{ __type(name: \"Run🏃Swim🏊\") { name } }"}""", contentType);

        Assert.Equal("""{"__type":null}""", response.Data);
        Assert.Equal("application/json", response.ContentType);
    }

    public static TheoryData<string, string> Failures => new()
    {
        { """{"query":"{"}""", "SYNTAX_ERROR" },
        { """{"query":"{ f8f31403dfe404bccbb0e835f2629c6a7 }"}""", "FIELDS_ON_CORRECT_TYPE" },
        { """{"query":"query CoerceFailure($id: String!){ customer(id: $id) { id } }","variables":{"id":null}}""", "INVALID_VALUE" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Parse_validation_and_coercion_failures_are_400_for_graphql_response_json_and_200_for_json(string body, string code)
    {
        foreach (var (accept, status, type) in new (string?, HttpStatusCode, string)[]
        {
            ("application/graphql-response+json", HttpStatusCode.BadRequest, "application/graphql-response+json"),
            ("application/graphql-response+json, application/json;q=0.9", HttpStatusCode.BadRequest, "application/graphql-response+json"),
            ("application/json", HttpStatusCode.OK, "application/json"),
            ("application/json, application/graphql-response+json;q=0.5", HttpStatusCode.OK, "application/json"),
            ("*/*", HttpStatusCode.OK, "application/json"),
            (null, HttpStatusCode.OK, "application/json"),
        })
        {
            var response = await api.PostAsync(body, accept: accept);

            Assert.True(status == response.Status, $"{accept}: {response.Status} {response.Body}");
            Assert.Equal(type, response.ContentType);
            Assert.Null(response.Json["data"]);
            Assert.Equal(code, response.Error.Code);
        }
    }

    [Theory]
    [InlineData("""{ "not a JSON""")]
    [InlineData("""{"qeury":"{ __typename }"}""")]
    [InlineData("""{"query":{"obj":"ect"}}""")]
    [InlineData("""{"query":0}""")]
    [InlineData("""{"query":false}""")]
    [InlineData("""{"query":["array"]}""")]
    [InlineData("")]
    public async Task A_request_that_cannot_be_read_is_400_whatever_the_client_accepts(string body)
    {
        foreach (var (accept, type) in new[] { ("application/graphql-response+json", "application/graphql-response+json"), ("application/json", "application/json"), ((string?)null, "application/json") })
        {
            var response = await api.PostAsync(body, accept: accept);

            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.Equal(type, response.ContentType);
            Assert.Equal("INVALID_REQUEST", response.Error.Code);
        }
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_a_fixed_message_without_the_parsers_text()
    {
        var response = await api.PostAsync("""{ "not a JSON""");

        Assert.Equal(
            ("The request body is not a GraphQL request: send a JSON object {\"query\": \"...\", \"variables\": {...}, \"operationName\": \"...\"}.", null, "INVALID_REQUEST"),
            response.Error);
    }

    [Fact]
    public async Task Successes_use_the_accepted_media_type()
    {
        foreach (var (accept, type) in new[]
        {
            ("application/graphql-response+json", "application/graphql-response+json"),
            ("application/json", "application/json"),
            ("*/*", "application/json"),
            ((string?)null, "application/json"),
        })
        {
            var response = await api.PostAsync(Ok, accept: accept);

            Assert.Equal("""{"__typename":"Query"}""", response.Data);
            Assert.Equal(type, response.ContentType);
        }
    }

    [Fact]
    public async Task Every_response_carries_a_request_id_the_clients_own_when_it_is_a_sane_token()
    {
        var mine = await api.Http.PostGraphQLAsync(Ok, requestId: "abc-123_X.y:z");
        Assert.Equal("abc-123_X.y:z", mine.RequestId);

        foreach (var insane in new[] { new string('a', 65), "a b", "a/b", "a%C3%A7", "<script>" })
        {
            var replaced = await api.Http.PostGraphQLAsync(Ok, requestId: insane);
            Assert.False(string.IsNullOrEmpty(replaced.RequestId));
            Assert.NotEqual(insane, replaced.RequestId);
            Assert.Matches("^[A-Za-z0-9._:-]{1,64}$", replaced.RequestId);
        }

        var failures = new[]
        {
            await api.Http.PostGraphQLAsync(Ok, requestId: "r-415", contentType: "text/plain"),
            await api.Http.PostGraphQLAsync("not json", requestId: "r-400"),
            await api.Http.PostGraphQLAsync("""{"query":"{"}""", requestId: "r-syntax"),
            await api.Http.PostGraphQLAsync("""{"query":"{ customers(first: 0) { totalCount } }"}""", requestId: "r-field"),
            await api.Http.PostGraphQLAsync("{\"query\":\"" + new string(' ', 1024 * 1024) + "{ __typename }\"}", requestId: "r-413"),
        };
        Assert.Equal([HttpStatusCode.UnsupportedMediaType, HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.RequestEntityTooLarge],
            failures.Select(f => f.Status));
        Assert.Equal(["r-415", "r-400", "r-syntax", "r-field", "r-413"], failures.Select(f => f.RequestId));

        foreach (var path in new[] { "/graphql?query=%7B__typename%7D", "/graphql/schema.graphql", "/graphql/assets/cx-graphiql.js", "/graphql/assets/nothing.js", "/graphql" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Request-Id", "get-id");
            using var response = await api.Http.SendAsync(request);
            Assert.Equal("get-id", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        }
    }
}
