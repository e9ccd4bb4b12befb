using static CxActors.Ingest.Tests.TestSupport;

namespace CxActors.Ingest.Tests;

public sealed class PhoneExportTests
{
    private static string Call(string fields) => $$"""
        [{"data": "08/01/2019", "Semana": "Thursday", "Horário": "08:15:27", "telefone": 7199999999,
          "email": "a@x.com", "duracao_total_da_chamada": "00:01:53"{{fields}}}]
        """;

    [Fact]
    public async Task Phone_as_a_string_becomes_E164_and_upper_case_email_is_lowered()
    {
        var draft = await DraftAsync(IngestFormat.Phone, """
            [{"data": "8/1/2019", "Horário": "8:15", "telefone": "(71) 9999-9999", "email": " Paulo@Email.COM "}]
            """);
        Assert.Equal("+557199999999", draft.Phone);
        Assert.Equal("paulo@email.com", draft.Email);
        // 1 August 2019 (month first, single digits), 08:15 -03:00; no total time: no end.
        Assert.Equal(Utc(2019, 8, 1, 11, 15), draft.StartedAt);
        Assert.Null(draft.EndedAt);
        Assert.Null(draft.WaitSeconds);
        Assert.Equal(Channel.Phone, draft.Channel);
        Assert.Equal("phone-export", draft.Source);
    }

    [Fact]
    public async Task Header_names_match_loosely()
    {
        var draft = await DraftAsync(IngestFormat.Phone, """
            {"DATA": "08/01/2019", "horario": "08:15:27", "Email": "a@x.com", " Agente ": "Maria"}
            """);
        Assert.Equal(Utc(2019, 8, 1, 11, 15, 27), draft.StartedAt);
        Assert.Equal("Maria", draft.Agent);
    }

    [Fact]
    public async Task Month_13_and_bad_times_are_rejected()
    {
        Assert.Equal("data: '13/01/2019' is not a valid MM/dd/yyyy date",
            await RejectionAsync(IngestFormat.Phone, Call("").Replace("08/01/2019", "13/01/2019")));
        Assert.Equal("data: '02/29/2019' is not a valid MM/dd/yyyy date",
            await RejectionAsync(IngestFormat.Phone, Call("").Replace("08/01/2019", "02/29/2019")));
        Assert.Equal("Horário: '24:00:00' is not a valid HH:mm:ss time",
            await RejectionAsync(IngestFormat.Phone, Call("").Replace("08:15:27", "24:00:00")));
        Assert.Equal("data: missing",
            await RejectionAsync(IngestFormat.Phone, Call("").Replace("\"08/01/2019\"", "null")));
    }

    [Fact]
    public async Task Leap_day_exists_in_2020()
    {
        var draft = await DraftAsync(IngestFormat.Phone, Call("").Replace("08/01/2019", "02/29/2020"));
        Assert.Equal(Utc(2020, 2, 29, 11, 15, 27), draft.StartedAt);
    }

    [Fact]
    public async Task Unparseable_durations_are_rejected()
    {
        Assert.Equal("duracao_total_da_chamada: '1:53' is not a valid H:MM:SS duration",
            await RejectionAsync(IngestFormat.Phone, Call("").Replace("00:01:53", "1:53")));
        Assert.Equal("duracao_espera_fila: '00:60:00' is not a valid H:MM:SS duration",
            await RejectionAsync(IngestFormat.Phone, Call(""", "duracao_espera_fila": "00:60:00" """)));
        Assert.Equal("duracao_atendimento: expected a string, got a number",
            await RejectionAsync(IngestFormat.Phone, Call(""", "duracao_atendimento": 104 """)));
    }

    [Fact]
    public async Task Missing_email_needs_the_phone()
    {
        var draft = await DraftAsync(IngestFormat.Phone, Call("").Replace("\"email\": \"a@x.com\",", ""));
        Assert.Null(draft.Email);
        Assert.Equal("+557199999999", draft.Phone);

        var reason = await RejectionAsync(IngestFormat.Phone, Call("").Replace("\"email\": \"a@x.com\",", "").Replace("7199999999", "\"\""));
        Assert.Equal("no customer e-mail or phone", reason);
    }

    [Fact]
    public async Task A_phone_number_that_is_not_whole_is_rejected()
    {
        Assert.Equal("telefone: 7.1e9 is not a phone number",
            await RejectionAsync(IngestFormat.Phone, Call("").Replace("7199999999", "7.1e9")));
        Assert.Equal("telefone: 'n/a' is not a valid phone number (only digits, spaces, a leading '+' and - ( ) . / are allowed)",
            await RejectionAsync(IngestFormat.Phone, Call("").Replace("7199999999", "\"n/a\"")));
    }

    [Fact]
    public async Task Numbers_are_accepted_as_text_in_exports()
    {
        var draft = await DraftAsync(IngestFormat.Phone, Call(""", "Agente": 42, "Status": null"""));
        Assert.Equal("42", draft.Agent);
        Assert.Null(draft.Status);
    }
}

public sealed class ChatExportTests
{
    private static string Chat(string start, string fields = "") => $$"""
        [{"Data da conversa (Inicio)": "{{start}}", "Data da conversa (Fim)": "{{start}}", "Semana": 1,
          "Visitor_Email": "a@x.com", "Atendido": "Sim"{{fields}}}]
        """;

    [Fact]
    public async Task Impossible_dates_are_rejected_naming_the_field()
    {
        Assert.Equal(
            "Data da conversa (Inicio): '31/02/2019 10:00' is not a valid dd/MM/yyyy HH:mm date; " +
            "Data da conversa (Fim): '31/02/2019 10:00' is not a valid dd/MM/yyyy HH:mm date",
            await RejectionAsync(IngestFormat.Chat, Chat("31/02/2019 10:00")));
        Assert.StartsWith("Data da conversa (Inicio): '10/13/2019 10:00' is not a valid",
            await RejectionAsync(IngestFormat.Chat, Chat("10/13/2019 10:00")));
    }

    [Fact]
    public async Task Single_digits_and_seconds_are_accepted()
    {
        var draft = await DraftAsync(IngestFormat.Chat, Chat("5/7/2019 9:36:59"));
        Assert.Equal(Utc(2019, 7, 5, 12, 36, 59), draft.StartedAt);
    }

    [Fact]
    public async Task Status_comes_from_the_field_or_from_atendido()
    {
        Assert.Equal("Atendida", (await DraftAsync(IngestFormat.Chat, Chat("10/06/2019 14:18"))).Status);
        Assert.Equal("Em espera", (await DraftAsync(IngestFormat.Chat, Chat("10/06/2019 14:18", """, "Status": "Em espera" """))).Status);
        Assert.Equal("Não atendida", (await DraftAsync(IngestFormat.Chat, Chat("10/06/2019 14:18").Replace("\"Sim\"", "\"Não\""))).Status);
        Assert.Equal("Não atendida", (await DraftAsync(IngestFormat.Chat, Chat("10/06/2019 14:18").Replace("\"Sim\"", "\"nao\""))).Status);
        Assert.Equal("Talvez", (await DraftAsync(IngestFormat.Chat, Chat("10/06/2019 14:18").Replace("\"Sim\"", "\"Talvez\""))).Status);
        Assert.Null((await DraftAsync(IngestFormat.Chat, Chat("10/06/2019 14:18").Replace(", \"Atendido\": \"Sim\"", ""))).Status);
    }

    [Fact]
    public async Task Feedback_score_is_a_number_or_numeric_string_integer_0_to_10()
    {
        Assert.Equal(7, (await DraftAsync(IngestFormat.Chat, Chat("10/06/2019 14:18", """, "Feedback_Average": "7" """))).FeedbackScore);
        Assert.Equal(7, (await DraftAsync(IngestFormat.Chat, Chat("10/06/2019 14:18", """, "Feedback_Average": 7 """))).FeedbackScore);
        Assert.Null((await DraftAsync(IngestFormat.Chat, Chat("10/06/2019 14:18", """, "Feedback_Average": "" """))).FeedbackScore);
        Assert.Equal("Feedback_Average: 4.5 is not an integer",
            await RejectionAsync(IngestFormat.Chat, Chat("10/06/2019 14:18", """, "Feedback_Average": 4.5 """)));
        Assert.Equal("Feedback_Average: 11 is not between 0 and 10",
            await RejectionAsync(IngestFormat.Chat, Chat("10/06/2019 14:18", """, "Feedback_Average": "11" """)));
        Assert.Equal("Feedback_Average: 'bom' is not a number",
            await RejectionAsync(IngestFormat.Chat, Chat("10/06/2019 14:18", """, "Feedback_Average": "bom" """)));
    }

    [Fact]
    public async Task End_before_start_is_rejected()
    {
        var body = Chat("10/06/2019 14:18").Replace("\"Data da conversa (Fim)\": \"10/06/2019 14:18\"", "\"Data da conversa (Fim)\": \"10/06/2019 14:17\"");
        Assert.Equal("Data da conversa (Fim): 2019-06-10T17:17:00Z is before the start 2019-06-10T17:18:00Z",
            await RejectionAsync(IngestFormat.Chat, body));
    }

    [Fact]
    public async Task Missing_start_and_missing_email_without_phone_are_rejected()
    {
        Assert.Equal("Data da conversa (Inicio): missing",
            await RejectionAsync(IngestFormat.Chat, """[{"Visitor_Email": "a@x.com"}]"""));
        Assert.Equal("no customer e-mail or phone",
            await RejectionAsync(IngestFormat.Chat, Chat("10/06/2019 14:18").Replace("a@x.com", "")));
    }

    [Fact]
    public async Task Daylight_saving_gap_is_rejected_and_fold_takes_the_first_occurrence()
    {
        // São Paulo: daylight time began 2018-11-04 at 00:00, clocks jumping to 01:00, so 00:30 never happened.
        Assert.StartsWith("Data da conversa (Inicio): '04/11/2018 00:30' does not exist in America/Sao_Paulo",
            await RejectionAsync(IngestFormat.Chat, Chat("04/11/2018 00:30")));
        // Just outside the gap, on either side.
        Assert.Equal(Utc(2018, 11, 4, 2, 59), (await DraftAsync(IngestFormat.Chat, Chat("03/11/2018 23:59"))).StartedAt);
        Assert.Equal(Utc(2018, 11, 4, 3, 0), (await DraftAsync(IngestFormat.Chat, Chat("04/11/2018 01:00"))).StartedAt);

        // It ended 2019-02-17 at 00:00, clocks going back to 23:00 on the 16th: 23:30 happened twice,
        // first at -02:00 (01:30Z), then at -03:00 (02:30Z). The first is taken.
        Assert.Equal(Utc(2019, 2, 17, 1, 30), (await DraftAsync(IngestFormat.Chat, Chat("16/02/2019 23:30"))).StartedAt);
        Assert.Equal(Utc(2019, 2, 17, 3, 0), (await DraftAsync(IngestFormat.Chat, Chat("17/02/2019 00:00"))).StartedAt);
    }

    [Fact]
    public async Task Other_source_time_zones_are_honoured()
    {
        var options = Options() with { SourceTimeZone = "Europe/Lisbon" };
        // 1 July 2019 in Lisbon is WEST, UTC+1.
        Assert.Equal(Utc(2019, 7, 1, 9, 0), (await DraftAsync(IngestFormat.Chat, Chat("01/07/2019 10:00"), options)).StartedAt);
    }
}
