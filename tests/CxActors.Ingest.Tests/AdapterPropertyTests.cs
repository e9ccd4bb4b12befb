using CsCheck;
using System.Text;
using static CxActors.Ingest.Tests.FuzzGenerators;

namespace CxActors.Ingest.Tests;

/// <summary>
/// Properties every adapter keeps whatever it is sent (see <see cref="FuzzRunner"/> for seeds and iterations):
/// reading throws nothing but <see cref="IngestFormatException"/> (and, for the JSON bodies generated here, which
/// are all well-formed containers, not even that); records are numbered 0..n-1 in order; each ends as a draft or
/// a short reason; a draft fits the reporting columns and holds UTC times in whole milliseconds.
/// </summary>
public sealed class AdapterPropertyTests
{
    /// <summary>A reason names each failing field with at most 100 characters of its value: a few hundred per field, at most a few fields here.</summary>
    private const int MaxReasonChars = 1_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] PhoneFields =
        ["email", "cliente_nome", "telefone", "data", "Horário", "duracao_total_da_chamada", "Agente", "Status",
            "fila_descricao", "classificacao", "sub_classificacao", "duracao_espera_fila", "duracao_atendimento"];

    private static readonly string[] ChatFields =
        ["Visitor_Email", "Data da conversa (Inicio)", "Data da conversa (Fim)", "Agente", "Status", "Atendido",
            "Feedback_Average", "Feedback_Response_Additional"];

    private static readonly string[] CanonicalFields =
        ["customer", "channel", "startedAt", "id", "endedAt", "name", "phone", "agent", "status", "queue",
            "classification", "subClassification", "feedbackScore", "feedbackComment", "waitSeconds", "handleSeconds"];

    /// <summary>Canonical records in the shape of the seed people's contacts.</summary>
    private static List<(byte[] Name, byte[] Value)>[] CanonicalSeeds()
    {
        static List<(byte[], byte[])> Record(params (string Name, string Json)[] fields) =>
            [.. fields.Select(f => (JsonString(f.Name), Encoding.UTF8.GetBytes(f.Json)))];
        return
        [
            Record(("id", "\"call-17\""), ("customer", "\"paulorodrigues@email.com\""), ("channel", "\"PHONE\""),
                ("startedAt", "\"2019-01-08T08:15:27-02:00\""), ("endedAt", "\"2019-01-08T10:17:20Z\""), ("name", "\"Paulo Rodrigues\""),
                ("phone", "7199999999"), ("agent", "\"Antônia\""), ("status", "\"Atendida\""), ("queue", "\"Dúvidas Gerais\""),
                ("classification", "\"Dúvida\""), ("subClassification", "\"Embarque|Desembarque fora rodoviária\""),
                ("waitSeconds", "9"), ("handleSeconds", "104")),
            Record(("customer", "\"crisf@email.com\""), ("channel", "\"chat\""), ("startedAt", "\"2019-06-12T09:18:00-03:00\""),
                ("endedAt", "\"2019-06-12T12:38:00Z\""), ("agent", "\"Maria\""), ("feedbackScore", "5"), ("feedbackComment", "\"atendimento regular\"")),
            Record(("phone", "\"(51) 9999-9999\""), ("channel", "\"WHATSAPP\""), ("startedAt", "\"2019-10-18T09:37:00.123456-03:00\"")),
            Record(("id", "42"), ("customer", "\" Rosana.Farias@Email.com \""), ("channel", "\"e-mail\""), ("startedAt", "\"2019-08-20T12:55:00Z\""),
                ("classification", "\"Dúvida\"")),
        ];
    }

    [Fact]
    public Task Phone_export_records() =>
        RunAsync("phone", JsonBodies(SeedJsonRecords("UraTelefonica.jsonl"), PhoneFields), IngestFormat.Phone, Channel.Phone, "phone-export", json: true);

    [Fact]
    public Task Chat_export_records() =>
        RunAsync("chat", JsonBodies(SeedJsonRecords("chatOnline.jsonl"), ChatFields), IngestFormat.Chat, Channel.Chat, "chat-export", json: true);

    [Fact]
    public Task Canonical_records() =>
        RunAsync("canonical", JsonBodies(CanonicalSeeds(), CanonicalFields), IngestFormat.Canonical, null, "api", json: true);

    [Fact]
    public Task WhatsApp_export_records()
    {
        var (header, rows) = SeedCsv("Whatsapp.csv");
        return RunAsync("whatsapp", CsvBodies(header, rows), IngestFormat.WhatsApp, Channel.WhatsApp, "whatsapp-export", json: false);
    }

    [Fact]
    public Task Email_export_records()
    {
        var (header, rows) = SeedCsv("email.csv");
        return RunAsync("email", CsvBodies(header, rows), IngestFormat.Email, Channel.Email, "email-export", json: false);
    }

    /// <summary>Drafts and rejections seen by a property's run: both must occur, or the draft checks prove nothing.</summary>
    private readonly int[] _outcomes = new int[2];

    private async Task RunAsync(string name, Gen<FuzzInput> inputs, IngestFormat format, Channel? channel, string source, bool json)
    {
        await FuzzRunner.RunAsync(name, inputs, input => CheckAsync(format, input, channel, source, json));
        if (FuzzRunner.Iterations >= FuzzRunner.DefaultIterations)
        {
            Assert.True(_outcomes[0] > 0, $"{name}: no record was accepted in {FuzzRunner.Iterations} iterations");
            Assert.True(_outcomes[1] > 0, $"{name}: no record was rejected in {FuzzRunner.Iterations} iterations");
        }
    }

    private async Task CheckAsync(IngestFormat format, FuzzInput input, Channel? channel, string source, bool json)
    {
        var now = TestSupport.Now;
        var records = new List<IngestRecord>();
        try
        {
            using var stream = new TrickleStream(input.Body, input.ReadSize);
            await foreach (var record in IngestAdapters.ReadAsync(format, stream, TestSupport.Options(now), CancellationToken.None))
                records.Add(record);
        }
        catch (IngestFormatException ex) when (!json)
        {
            // A CSV body may lose its shape as a whole (a header cell quoted open); the message must still be bounded.
            Assert.InRange(ex.Message.Length, 1, 4 * MaxReasonChars);
        }

        if (json)
            Assert.Equal(input.Records, records.Count); // well-formed containers: every record comes out
        else
            // Blank rows are skipped, an open quote swallows what follows, a stray one can expose quoted line breaks.
            Assert.InRange(records.Count, 0, input.Body.Count(b => b is (byte)'\n' or (byte)'\r') + 1); // a lone CR ends a row too
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            Assert.Equal(i, record.Index);
            Assert.NotNull(record.Raw);
            _outcomes[record.Draft is null ? 1 : 0]++;
            if (record.Draft is null)
            {
                Assert.False(string.IsNullOrEmpty(record.Reason), $"record {i} has neither a draft nor a reason");
                Assert.True(record.Reason.Length <= MaxReasonChars, $"record {i}'s reason has {record.Reason.Length} characters: {record.Reason[..Math.Min(200, record.Reason.Length)]}…");
                StrictUtf8.GetByteCount(record.Reason); // storable text: no half of a surrogate pair
                continue;
            }
            Assert.Null(record.Reason);
            CheckDraft(record.Draft, channel, source, now.UtcDateTime);
        }
    }

    private static void CheckDraft(InteractionDraft d, Channel? channel, string source, DateTime now)
    {
        Assert.Equal(source, d.Source);
        if (channel is not null)
            Assert.Equal(channel, d.Channel);
        Assert.Equal(DateTimeKind.Utc, d.StartedAt.Kind);
        Assert.Equal(0, d.StartedAt.Ticks % TimeSpan.TicksPerMillisecond);
        Assert.True(d.StartedAt - now <= TimeSpan.FromHours(1), $"start {d.StartedAt:O} is in the future");
        if (d.EndedAt is { } ended)
        {
            Assert.Equal(DateTimeKind.Utc, ended.Kind);
            Assert.Equal(0, ended.Ticks % TimeSpan.TicksPerMillisecond);
            Assert.True(ended >= d.StartedAt);
        }
        Assert.True(d.Email is not null || d.Phone is not null);
        if (d.Email is not null)
        {
            Assert.True(CustomerIds.TryNormalizeEmail(d.Email, out var normalized));
            Assert.Equal(normalized, d.Email);
        }
        if (d.Phone is not null)
            Assert.True(d.Phone.Length is > 1 and <= 16 && d.Phone[0] == '+' && d.Phone[1..].All(char.IsAsciiDigit), $"phone '{d.Phone}' is not E.164");
        Assert.Null(InteractionLimits.Check(d));
        Assert.True(d.FeedbackScore is null or >= 0 and <= 10);
        Assert.True(d.WaitSeconds is null or >= 0);
        Assert.True(d.HandleSeconds is null or >= 0);
        foreach (var text in new[] { d.SourceId, d.Name, d.Agent, d.Status, d.Queue, d.Classification, d.SubClassification, d.FeedbackComment, d.SourceDetail })
        {
            if (text is not null)
                StrictUtf8.GetByteCount(text);
        }
    }
}
