using static CxActors.Ingest.Tests.TestSupport;

namespace CxActors.Ingest.Tests;

public sealed class CanonicalTests
{
    private static Task<InteractionDraft> Draft(string json, IngestOptions? options = null) =>
        DraftAsync(IngestFormat.Canonical, json, options);

    private static Task<string> Rejection(string json, IngestOptions? options = null) =>
        RejectionAsync(IngestFormat.Canonical, json, options);

    [Fact]
    public async Task Every_field_is_read()
    {
        var draft = await Draft("""
            {"id": "call-17", "customer": "  Paulo.Rodrigues@Email.COM ", "channel": "whatsapp",
             "startedAt": "2019-08-01T08:15:27.1239-03:00", "endedAt": "2019-08-01T11:20:00Z",
             "name": " Paulo ", "phone": "+55 (71) 9999-9999", "agent": "Antônia", "status": "Atendida",
             "queue": "Dúvidas", "classification": "Dúvida", "subClassification": "Embarque",
             "feedbackScore": 9, "feedbackComment": "ok", "waitSeconds": 9, "handleSeconds": 104,
             "somethingElse": {"ignored": true}}
            """);

        Assert.Equal(new InteractionDraft
        {
            SourceId = "call-17",
            Email = "paulo.rodrigues@email.com",
            Channel = Channel.WhatsApp,
            // .1239 is truncated to whole milliseconds, not rounded.
            StartedAt = new DateTime(2019, 8, 1, 11, 15, 27, 123, DateTimeKind.Utc),
            EndedAt = Utc(2019, 8, 1, 11, 20),
            Name = "Paulo",
            Phone = "+557199999999",
            Agent = "Antônia",
            Status = "Atendida",
            Queue = "Dúvidas",
            Classification = "Dúvida",
            SubClassification = "Embarque",
            FeedbackScore = 9,
            FeedbackComment = "ok",
            WaitSeconds = 9,
            HandleSeconds = 104,
            Source = "api",
        }, draft);
        Assert.Equal(DateTimeKind.Utc, draft.StartedAt.Kind);
    }

    [Fact]
    public async Task Numbers_are_accepted_for_id_and_phone_the_id_kept_as_written_the_phone_in_E164()
    {
        var draft = await Draft("""{"id": 1234567890123, "phone": 7199999999, "channel": "PHONE", "startedAt": "2019-08-01T08:15:27+00:00"}""");
        Assert.Equal("1234567890123", draft.SourceId);
        Assert.Equal("+557199999999", draft.Phone);
        Assert.Null(draft.Email);
    }

    [Fact]
    public async Task Source_id_is_kept_exactly_as_given()
    {
        var draft = await Draft("""{"id": " A-1 ", "customer": "a@x.com", "channel": "URA", "startedAt": "2019-08-01T08:15:27Z"}""");
        Assert.Equal(" A-1 ", draft.SourceId);
        Assert.Equal(Channel.Phone, draft.Channel);
    }

    [Fact]
    public async Task Optional_fields_may_be_missing_or_null()
    {
        var draft = await Draft("""{"customer": "a@x.com", "channel": "email", "startedAt": "2019-08-01T08:15:27Z", "endedAt": null, "name": "  ", "feedbackScore": null}""");
        Assert.Equal(new InteractionDraft
        {
            Email = "a@x.com", Channel = Channel.Email, StartedAt = Utc(2019, 8, 1, 8, 15, 27), Source = "api",
        }, draft);
    }

    [Theory]
    [InlineData("2019-08-01T08:15:27")]
    [InlineData("2019-08-01T08:15:27.500")]
    [InlineData("2019-08-01")]
    [InlineData("08/01/2019 08:15")]
    public async Task Times_without_an_offset_are_rejected(string startedAt)
    {
        var reason = await Rejection($$"""{"customer": "a@x.com", "channel": "CHAT", "startedAt": "{{startedAt}}"}""");
        Assert.StartsWith($"startedAt: '{startedAt}' has no UTC offset", reason);
    }

    [Fact]
    public async Task Text_longer_than_its_reporting_column_is_rejected_not_cut()
    {
        var agent = new string('a', 256);
        var reason = await Rejection($$"""{"customer": "a@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:15:27Z", "agent": "{{agent}}"}""");
        Assert.Equal("agent: longer than 255 characters (256)", reason);
    }

    [Theory]
    [InlineData("2023-02-29T09:00:19Z")]
    [InlineData("2023-13-01T09:00:19-03:00")]
    [InlineData("2023-01-01T25:00:00+01:00")]
    public async Task Impossible_times_with_an_offset_are_rejected_as_invalid(string startedAt)
    {
        var reason = await Rejection($$"""{"customer": "a@x.com", "channel": "CHAT", "startedAt": "{{startedAt}}"}""");
        Assert.StartsWith($"startedAt: '{startedAt}' is not a valid ISO-8601 date and time", reason);
    }

    [Fact]
    public async Task Missing_customer_with_a_phone_is_allowed_but_with_neither_is_rejected()
    {
        var draft = await Draft("""{"phone": "71 99999-9999", "channel": "CHAT", "startedAt": "2019-08-01T08:15:27Z"}""");
        Assert.Equal("+5571999999999", draft.Phone);

        Assert.Equal("no customer e-mail or phone",
            await Rejection("""{"channel": "CHAT", "startedAt": "2019-08-01T08:15:27Z"}"""));
        Assert.Equal("no customer e-mail or phone",
            await Rejection("""{"customer": " ", "phone": null, "channel": "CHAT", "startedAt": "2019-08-01T08:15:27Z"}"""));
    }

    [Fact]
    public async Task An_invalid_email_is_rejected_even_with_a_phone()
    {
        var reason = await Rejection("""{"customer": "not-an-address", "phone": "7199999999", "channel": "CHAT", "startedAt": "2019-08-01T08:15:27Z"}""");
        Assert.Equal("customer: 'not-an-address' is not a valid e-mail address", reason);
    }

    [Fact]
    public async Task Wrong_types_are_rejected_naming_the_field()
    {
        var reason = await Rejection("""{"customer": 5, "channel": "CHAT", "startedAt": "2019-08-01T08:15:27Z", "name": ["x"], "waitSeconds": "10", "feedbackScore": 4.5}""");
        Assert.Equal(
            "customer: expected a string, got a number; name: expected a string, got an array; " +
            "feedbackScore: 4.5 is not an integer; waitSeconds: expected a number, got a string", reason);
    }

    [Fact]
    public async Task Channel_and_start_are_required()
    {
        Assert.Equal("channel: missing; startedAt: missing", await Rejection("""{"customer": "a@x.com"}"""));
        Assert.Equal("channel: 'FAX' is not one of PHONE, CHAT, WHATSAPP, EMAIL",
            await Rejection("""{"customer": "a@x.com", "channel": "FAX", "startedAt": "2019-08-01T08:15:27Z"}"""));
    }

    [Fact]
    public async Task Common_rules_apply()
    {
        const string Base = """ "customer": "a@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:00:00Z" """;
        Assert.Equal("endedAt: 2019-08-01T07:59:59Z is before the start 2019-08-01T08:00:00Z",
            await Rejection($$"""{ {{Base}}, "endedAt": "2019-08-01T07:59:59Z"}"""));
        Assert.Equal("feedbackScore: 11 is not between 0 and 10", await Rejection($$"""{ {{Base}}, "feedbackScore": 11}"""));
        Assert.Equal("feedbackScore: -1 is not between 0 and 10", await Rejection($$"""{ {{Base}}, "feedbackScore": -1}"""));
        Assert.Equal("handleSeconds: -5 must be at least 0", await Rejection($$"""{ {{Base}}, "handleSeconds": -5}"""));
        Assert.Equal(10, (await Draft($$"""{ {{Base}}, "feedbackScore": 10.0}""")).FeedbackScore);
        Assert.Equal(0, (await Draft($$"""{ {{Base}}, "feedbackScore": 0, "endedAt": "2019-08-01T08:00:00Z"}""")).FeedbackScore);
    }

    [Fact]
    public async Task A_start_more_than_an_hour_ahead_of_the_clock_is_rejected()
    {
        var options = Options(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));

        var ok = await Draft("""{"customer": "a@x.com", "channel": "CHAT", "startedAt": "2030-01-01T13:00:00Z"}""", options);
        Assert.Equal(Utc(2030, 1, 1, 13, 0), ok.StartedAt);
        var reason = await Rejection("""{"customer": "a@x.com", "channel": "CHAT", "startedAt": "2030-01-01T10:00:01-03:00"}""", options);
        Assert.Equal("startedAt: 2030-01-01T13:00:01Z is more than 1 h in the future", reason);
    }

    [Fact]
    public async Task Property_names_are_exact()
    {
        // "Customer" is not "customer": an unknown property, ignored.
        Assert.Equal("no customer e-mail or phone",
            await Rejection("""{"Customer": "a@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:15:27Z"}"""));
    }
}
