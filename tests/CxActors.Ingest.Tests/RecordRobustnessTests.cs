using System.Text;
using static CxActors.Ingest.Tests.TestSupport;

namespace CxActors.Ingest.Tests;

/// <summary>
/// Values that used to throw (and fail a whole request with 500), or could: each is now one record's rejection,
/// naming the field, and the records around it are read as before.
/// </summary>
public sealed class RecordRobustnessTests
{
    private const string GoodCall = """
        {"data": "08/01/2019", "Horário": "08:15:27", "email": "a@x.com", "duracao_total_da_chamada": "00:01:53"}
        """;

    [Fact]
    public async Task A_call_whose_total_time_ends_after_9999_is_rejected_and_the_good_call_kept()
    {
        var body = $$"""
            [{{GoodCall}},
             {"data": "01/01/9990", "Horário": "08:15:27", "email": "b@x.com", "duracao_total_da_chamada": "596522:00:00"}]
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(body));
        var records = new List<IngestRecord>();
        await foreach (var record in IngestAdapters.ReadAsync(IngestFormat.Phone, stream, Options(), CancellationToken.None))
            records.Add(record);

        Assert.Equal(2, records.Count);
        Assert.Equal(0, records[0].Index);
        Assert.Null(records[0].Reason);
        Assert.Equal(new InteractionDraft
        {
            Email = "a@x.com", Channel = Channel.Phone, StartedAt = Utc(2019, 8, 1, 11, 15, 27), EndedAt = Utc(2019, 8, 1, 11, 17, 20),
            Source = "phone-export",
        }, records[0].Draft);
        Assert.Equal(1, records[1].Index);
        Assert.Null(records[1].Draft);
        // 596 522 h is 2 147 479 200 s (just under int.MaxValue): about 68 years, and 9990 + 68 is past 9999.
        Assert.Equal("duracao_total_da_chamada: '596522:00:00' would end the call after the year 9999", records[1].Reason);
    }

    [Fact]
    public async Task The_longest_total_time_that_still_fits_is_accepted()
    {
        // São Paulo is UTC-3 then: 20:59:58 local on 31 Dec 9999 is 23:59:58Z, one second before the last whole one.
        var draft = await DraftAsync(IngestFormat.Phone, """
            {"data": "12/31/9999", "Horário": "20:59:58", "email": "a@x.com", "duracao_total_da_chamada": "0:00:01"}
            """, Options(DateTimeOffset.MaxValue));
        Assert.Equal(new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc), draft.EndedAt);

        Assert.Equal("duracao_total_da_chamada: '0:00:02' would end the call after the year 9999",
            await RejectionAsync(IngestFormat.Phone, """
            {"data": "12/31/9999", "Horário": "20:59:58", "email": "a@x.com", "duracao_total_da_chamada": "0:00:02"}
            """, Options(DateTimeOffset.MaxValue)));
    }

    [Fact]
    public async Task Local_times_that_leave_the_representable_range_in_UTC_are_rejected()
    {
        // 23:00 on the last day at UTC-3 is 02:00 on 1 January 10000.
        var reason = await RejectionAsync(IngestFormat.Chat,
            """{"Data da conversa (Inicio)": "31/12/9999 23:00", "Visitor_Email": "a@x.com"}""");
        Assert.Equal("Data da conversa (Inicio): '31/12/9999 23:00' is out of range", reason);

        // Tokyo's local mean time in year 1 was UTC+9:18:59: midnight of 1 January 0001 there is before 0001-01-01Z.
        reason = await RejectionAsync(IngestFormat.Chat,
            """{"Data da conversa (Inicio)": "01/01/0001 00:00", "Visitor_Email": "a@x.com"}""", Options() with { SourceTimeZone = "Asia/Tokyo" });
        Assert.Equal("Data da conversa (Inicio): '01/01/0001 00:00' is out of range", reason);
    }

    [Theory]
    [InlineData("9999-12-31T23:59:59-03:00")] // 10000-01-01T02:59:59Z
    [InlineData("0001-01-01T00:00:00+01:00")] // before 0001-01-01T00:00:00Z
    public async Task Canonical_times_outside_the_representable_range_are_rejected(string startedAt)
    {
        var reason = await RejectionAsync(IngestFormat.Canonical, $$"""{"customer": "a@x.com", "channel": "CHAT", "startedAt": "{{startedAt}}"}""");
        Assert.Equal($"startedAt: '{startedAt}' is not a valid ISO-8601 date and time (e.g. 2019-08-01T08:15:27-03:00)", reason);
    }

    [Fact]
    public async Task Extreme_and_negative_durations_are_rejected()
    {
        Assert.Equal("duracao_espera_fila: '-0:01:00' is not a valid H:MM:SS duration",
            await RejectionAsync(IngestFormat.Phone, GoodCall.Replace("}", ""","duracao_espera_fila": "-0:01:00"}""")));
        // 596 524 h is past int.MaxValue seconds.
        Assert.Equal("duracao_atendimento: '596524:00:00' is not a valid H:MM:SS duration",
            await RejectionAsync(IngestFormat.Phone, GoodCall.Replace("}", ""","duracao_atendimento": "596524:00:00"}""")));
        Assert.Equal("duracao_atendimento: '99999999999999999999999:00:00' is not a valid H:MM:SS duration",
            await RejectionAsync(IngestFormat.Phone, GoodCall.Replace("}", ""","duracao_atendimento": "99999999999999999999999:00:00"}""")));
    }

    [Fact]
    public async Task Huge_numbers_are_rejected_and_cut_when_quoted()
    {
        const string Base = """ "customer": "a@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:00:00Z" """;
        Assert.Equal("feedbackScore: 1e400 is not an integer", await RejectionAsync(IngestFormat.Canonical, $$"""{ {{Base}}, "feedbackScore": 1e400}"""));
        Assert.Equal("waitSeconds: 2147483648 is not an integer", await RejectionAsync(IngestFormat.Canonical, $$"""{ {{Base}}, "waitSeconds": 2147483648}"""));
        Assert.Equal("handleSeconds: -2147483649 is not an integer", await RejectionAsync(IngestFormat.Canonical, $$"""{ {{Base}}, "handleSeconds": -2147483649}"""));
        var digits = new string('9', 5000);
        Assert.Equal($"feedbackScore: {new string('9', 100)}… (5000 characters) is not an integer",
            await RejectionAsync(IngestFormat.Canonical, $$"""{ {{Base}}, "feedbackScore": {{digits}}}"""));
        Assert.Equal($"Feedback_Average: '{new string('9', 100)}…' (5000 characters) is not a number",
            await RejectionAsync(IngestFormat.Chat, $$"""{"Data da conversa (Inicio)": "10/06/2019 14:18", "Visitor_Email": "a@x.com", "Feedback_Average": "{{digits}}"}"""));
        Assert.Equal($"telefone: {new string('1', 100)}… (201 characters) is not a phone number",
            await RejectionAsync(IngestFormat.Phone, GoodCall.Replace("}", $",\"telefone\": {new string('1', 199)}.5}}")));
    }

    [Fact]
    public async Task Objects_and_arrays_where_a_value_is_expected_are_rejected()
    {
        Assert.Equal("Agente: expected a string, got an object; duracao_espera_fila: expected a string, got an array",
            await RejectionAsync(IngestFormat.Phone, GoodCall.Replace("}", ""","Agente": {"nome": "Maria"}, "duracao_espera_fila": [1, 2]}""")));
        Assert.Equal("channel: expected a string, got a boolean",
            await RejectionAsync(IngestFormat.Canonical, """{"customer": "a@x.com", "channel": true, "startedAt": "2019-08-01T08:00:00Z"}"""));
    }

    [Fact]
    public async Task A_record_nested_too_deep_is_rejected_alone()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var body = $$"""
            {"customer": "a@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:00:00Z", "extra": {{deep}}}
            {"customer": "b@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:00:00Z"}
            """;

        var records = await ReadAsync(IngestFormat.Canonical, body);

        Assert.Equal(2, records.Count);
        Assert.Equal("record is nested deeper than 64 levels", records[0].Reason);
        Assert.Equal("b@x.com", records[1].Draft!.Email);
    }

    [Fact]
    public async Task Strings_that_are_not_valid_unicode_are_rejected_naming_the_field()
    {
        // Invalid UTF-8 (a lone continuation byte) in a field that is read, and in an unknown property's name.
        byte[] body =
        [
            .. "[{\"data\": \"08/01/2019\", \"Horário\": \"08:15:27\", \"email\": \"a@x.com\", \"cliente_nome\": \"Jo"u8, 0x80,
            .. "o\"},\n {\"data\": \"08/01/2019\", \"Horário\": \"08:15:27\", \"email\": \"b@x.com\", \"x"u8, 0xC3,
            .. "\": 1},\n"u8,
            // An escaped unpaired surrogate is valid JSON but not text.
            .. """ {"data": "08/01/2019", "Horário": "08:15:27", "email": "\ud800@x.com"}]"""u8,
        ];

        var records = await ReadAsync(IngestFormat.Phone, body);

        Assert.Equal(3, records.Count);
        Assert.Equal("cliente_nome: not valid Unicode text (invalid UTF-8, or an unpaired surrogate escape)", records[0].Reason);
        Assert.Equal("b@x.com", records[1].Draft!.Email);
        Assert.Equal("email: not valid Unicode text (invalid UTF-8, or an unpaired surrogate escape)", records[2].Reason);

        Assert.Equal("customer: not valid Unicode text (invalid UTF-8, or an unpaired surrogate escape)",
            await RejectionAsync(IngestFormat.Canonical, """{"customer": "a\udfff@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:00:00Z"}"""));
        Assert.Equal("Feedback_Average: not valid Unicode text (invalid UTF-8, or an unpaired surrogate escape)",
            await RejectionAsync(IngestFormat.Chat, """{"Data da conversa (Inicio)": "10/06/2019 14:18", "Visitor_Email": "a@x.com", "Feedback_Average": "\ud800"}"""));
    }

    [Fact]
    public async Task Control_characters_in_an_email_are_rejected_and_kept_in_free_text()
    {
        Assert.Equal("Visitor_Email: 'a\u0001@x.com' is not a valid e-mail address",
            await RejectionAsync(IngestFormat.Chat, """{"Data da conversa (Inicio)": "10/06/2019 14:18", "Visitor_Email": "a\u0001@x.com"}"""));
        var draft = await DraftAsync(IngestFormat.Chat, """{"Data da conversa (Inicio)": "10/06/2019 14:18", "Visitor_Email": "a@x.com", "Agente": "Ma\u0000ria"}""");
        Assert.Equal("Ma\0ria", draft.Agent);
    }

    [Fact]
    public async Task Invalid_utf8_in_csv_becomes_the_replacement_character()
    {
        byte[] body = [.. "E-mail,Inicio da conversa,Finalizado?\na@x.com,9/30/19 0:08,S"u8, 0xFF, .. "m\n"u8];
        var draft = Assert.Single(await ReadAsync(IngestFormat.WhatsApp, body)).Draft!;
        Assert.Equal("S\uFFFDm", draft.Status);
    }
}

public sealed class EchoTests
{
    [Fact]
    public void Short_values_are_quoted_whole()
    {
        Assert.Equal("''", Echo.Quote(""));
        Assert.Equal("'abc'", Echo.Quote("abc"));
        Assert.Equal("abc", Echo.Bare("abc"));
        var hundred = new string('x', 100);
        Assert.Equal($"'{hundred}'", Echo.Quote(hundred));
    }

    [Fact]
    public void Long_values_are_cut_to_100_characters_and_their_length_told()
    {
        Assert.Equal($"'{new string('x', 100)}…' (101 characters)", Echo.Quote(new string('x', 101)));
        Assert.Equal($"{new string('7', 100)}… (15000000 characters)", Echo.Bare(new string('7', 15_000_000)));
    }

    [Fact]
    public void A_surrogate_pair_is_never_split()
    {
        // 99 letters then U+1F600 (two UTF-16 units, at 99 and 100): the pair does not fit in 100, so it goes whole.
        var value = new string('x', 99) + "\U0001F600" + "tail";
        Assert.Equal($"'{new string('x', 99)}…' (105 characters)", Echo.Quote(value));
        // 98 letters then the pair (at 98 and 99): it fits.
        value = new string('x', 98) + "\U0001F600" + "tail";
        Assert.Equal($"'{new string('x', 98)}\U0001F600…' (104 characters)", Echo.Quote(value));
    }

    [Fact]
    public async Task A_15_MB_customer_is_not_echoed_back()
    {
        var customer = new string('a', 15_000_000);
        var reason = await RejectionAsync(IngestFormat.Canonical,
            $$"""{"customer": "{{customer}}", "channel": "CHAT", "startedAt": "2019-08-01T08:00:00Z"}""");

        Assert.Equal($"customer: '{new string('a', 100)}…' (15000000 characters) is not a valid e-mail address", reason);
        Assert.Equal(165, reason.Length);
    }

    [Fact]
    public async Task Every_reason_that_quotes_input_is_bounded()
    {
        var big = new string('q', 1000);
        var cut = $"'{new string('q', 100)}…' (1000 characters)";
        Assert.Equal($"channel: {cut} is not one of PHONE, CHAT, WHATSAPP, EMAIL",
            await RejectionAsync(IngestFormat.Canonical, $$"""{"customer": "a@x.com", "channel": "{{big}}", "startedAt": "2019-08-01T08:00:00Z"}"""));
        Assert.Equal($"startedAt: {cut} has no UTC offset; local times are not guessed (e.g. 2019-08-01T08:15:27-03:00 or 2019-08-01T11:15:27Z)",
            await RejectionAsync(IngestFormat.Canonical, $$"""{"customer": "a@x.com", "channel": "CHAT", "startedAt": "{{big}}"}"""));
        var bigZ = "2019-08-01T08:00:00" + new string('0', 981) + "Z";
        Assert.Equal($"startedAt: '{bigZ[..100]}…' (1001 characters) is not a valid ISO-8601 date and time (e.g. 2019-08-01T08:15:27-03:00)",
            await RejectionAsync(IngestFormat.Canonical, $$"""{"customer": "a@x.com", "channel": "CHAT", "startedAt": "{{bigZ}}"}"""));
        Assert.Equal($"data: {cut} is not a valid MM/dd/yyyy date; Horário: {cut} is not a valid HH:mm:ss time",
            await RejectionAsync(IngestFormat.Phone, $$"""{"data": "{{big}}", "Horário": "{{big}}", "email": "a@x.com"}"""));
        Assert.Equal($"duracao_total_da_chamada: {cut} is not a valid H:MM:SS duration",
            await RejectionAsync(IngestFormat.Phone, GoodCallWith($"\"duracao_total_da_chamada\": \"{big}\"")));
        Assert.Equal($"telefone: {cut} is not a valid phone number (longer than 64 characters)",
            await RejectionAsync(IngestFormat.Phone, GoodCallWith($"\"telefone\": \"{big}\"")));
        Assert.Equal($"Data da conversa (Inicio): {cut} is not a valid dd/MM/yyyy HH:mm date",
            await RejectionAsync(IngestFormat.Chat, $$"""{"Data da conversa (Inicio)": "{{big}}", "Visitor_Email": "a@x.com"}"""));
        Assert.Equal($"E-mail: {cut} is not a valid e-mail address",
            Assert.Single(await ReadAsync(IngestFormat.WhatsApp, $"E-mail,Inicio da conversa\n{big},9/30/19 0:08\n")).Reason);
    }

    [Fact]
    public async Task A_header_with_a_long_column_name_is_named_by_the_adapter_and_cut_in_body_errors()
    {
        // "Inicio   …   da conversa" folds to the known name; its spelling is too long to repeat in every reason.
        var spelt = "Inicio" + new string(' ', 200) + "da conversa";
        var records = await ReadAsync(IngestFormat.WhatsApp, $"E-mail,{spelt}\na@x.com,13/13/19 0:08\n");
        Assert.Equal("Inicio da conversa: '13/13/19 0:08' is not a valid M/d/yy H:mm or MM/dd/yyyy HH:mm date", Assert.Single(records).Reason);

        var header = string.Join(",", Enumerable.Range(0, 25).Select(i => i == 0 ? new string('h', 150) : $"c{i}"));
        var ex = await Assert.ThrowsAsync<IngestFormatException>(() => ReadAsync(IngestFormat.WhatsApp, header + "\n"));
        Assert.Equal(
            "the CSV header lacks the required column(s) 'E-mail', 'Inicio da conversa'; found: " +
            $"'{new string('h', 100)}…' (150 characters), " + string.Join(", ", Enumerable.Range(1, 19).Select(i => $"'c{i}'")) + " and 5 more",
            ex.Message);
    }

    private static string GoodCallWith(string field) =>
        $$"""{"data": "08/01/2019", "Horário": "08:15:27", "email": "a@x.com", {{field}}}""";
}
