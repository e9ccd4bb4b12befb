using System.Text;
using static CxActors.Ingest.Tests.TestSupport;

namespace CxActors.Ingest.Tests;

[Collection(MeasuredMemoryCollection.Name)]
public sealed class CsvExportTests
{
    private const string WhatsAppHeader = "Inicio da conversa,Fim da conversa (duração),Fim da conversa (finalizado?),Tempo duração atendimento,Semana,Finalizado?,E-mail";
    private const string EmailHeader = "Origem do caso,Loja,Semana,Data/Hora de abertura,Data/Hora de fechamento,Sub Classificação,Classificação,Email do cliente";

    [Fact]
    public async Task Bom_crlf_and_blank_lines()
    {
        var body = WithBom(WhatsAppHeader + "\r\n\r\n9/30/19 0:08,x,10/01/2019 14:08,38:00:00,1,Sim,A@X.com\r\n\r\n   \r\n10/11/19 11:19,,,,,Não,b@x.com\r\n");

        var records = await ReadAsync(IngestFormat.WhatsApp, body);

        Assert.Equal(2, records.Count);
        Assert.Equal([0, 1], records.Select(r => r.Index));
        Assert.Equal("9/30/19 0:08,x,10/01/2019 14:08,38:00:00,1,Sim,A@X.com", records[0].Raw);
        Assert.Equal(new InteractionDraft
        {
            Email = "a@x.com", Channel = Channel.WhatsApp, StartedAt = Utc(2019, 9, 30, 3, 8), EndedAt = Utc(2019, 10, 1, 17, 8),
            Status = "Finalizada", HandleSeconds = 136_800, Source = "whatsapp-export",
        }, records[0].Draft);
        Assert.Equal(new InteractionDraft
        {
            Email = "b@x.com", Channel = Channel.WhatsApp, StartedAt = Utc(2019, 10, 11, 14, 19), Status = "Não finalizada",
            Source = "whatsapp-export",
        }, records[1].Draft);
    }

    [Fact]
    public async Task Quoted_fields_with_commas_quotes_and_line_breaks()
    {
        var body = EmailHeader + "\n" +
            "\"Site, app\",Clickbus,1,04/11/2019 11:19,\"04/11/2019 16:41\",\"Dúvida \"\"grave\"\"\",\"linha 1\nlinha 2\",c@x.com\n" +
            "Site,Clickbus,1,04/11/2019 11:20,,,\"\",d@x.com";

        var records = await ReadAsync(IngestFormat.Email, body);

        Assert.Equal(2, records.Count);
        Assert.Equal(new InteractionDraft
        {
            Email = "c@x.com", Channel = Channel.Email, StartedAt = Utc(2019, 4, 11, 14, 19), EndedAt = Utc(2019, 4, 11, 19, 41),
            SubClassification = "Dúvida \"grave\"", Classification = "linha 1\nlinha 2", SourceDetail = "Site, app",
            Source = "email-export",
        }, records[0].Draft);
        Assert.Equal("\"Site, app\",Clickbus,1,04/11/2019 11:19,\"04/11/2019 16:41\",\"Dúvida \"\"grave\"\"\",\"linha 1\nlinha 2\",c@x.com", records[0].Raw);
        Assert.Equal(new InteractionDraft
        {
            Email = "d@x.com", Channel = Channel.Email, StartedAt = Utc(2019, 4, 11, 14, 20), SourceDetail = "Site",
            Source = "email-export",
        }, records[1].Draft);
        Assert.Equal("Site,Clickbus,1,04/11/2019 11:20,,,\"\",d@x.com", records[1].Raw);
    }

    [Fact]
    public async Task Two_and_four_digit_years_stray_spaces_and_seconds()
    {
        var body = EmailHeader + "\n" +
            "Site,Clickbus,1, 08/21/19 08:55 ,  8/21/2019 16:41:30,a,b, JOANA@X.COM \n" +
            "Site,Clickbus,1,12/31/99 23:59:59,,a,b,z@x.com\n";

        var records = await ReadAsync(IngestFormat.Email, body);

        Assert.Equal("joana@x.com", records[0].Draft!.Email);
        Assert.Equal(Utc(2019, 8, 21, 11, 55), records[0].Draft!.StartedAt);
        Assert.Equal(Utc(2019, 8, 21, 19, 41, 30), records[0].Draft!.EndedAt);
        // Two-digit years are 2000 + yy: 99 is 2099, which the clock (2025) puts in the future.
        Assert.Equal("Data/Hora de abertura: 2100-01-01T02:59:59Z is more than 1 h in the future", records[1].Reason);
    }

    [Fact]
    public async Task Invalid_dates_and_durations_are_rejected_naming_the_column()
    {
        var body = WhatsAppHeader + "\n" +
            "2/31/19 10:00,,,,,,a@x.com\n" +
            "13/01/2019 10:00,,,,,,a@x.com\n" +
            "1/2/019 10:00,,,,,,a@x.com\n" +
            "10/11/19 11:19,,10/11/2019 25:08,1h30,,,a@x.com\n";

        var reasons = (await ReadAsync(IngestFormat.WhatsApp, body)).Select(r => r.Reason).ToList();

        Assert.Equal(
        [
            "Inicio da conversa: '2/31/19 10:00' is not a valid M/d/yy H:mm or MM/dd/yyyy HH:mm date",
            "Inicio da conversa: '13/01/2019 10:00' is not a valid M/d/yy H:mm or MM/dd/yyyy HH:mm date",
            "Inicio da conversa: '1/2/019 10:00' is not a valid M/d/yy H:mm or MM/dd/yyyy HH:mm date",
            "Fim da conversa (finalizado?): '10/11/2019 25:08' is not a valid M/d/yy H:mm or MM/dd/yyyy HH:mm date; " +
                "Tempo duração atendimento: '1h30' is not a valid H:MM:SS duration",
        ], reasons);
    }

    [Fact]
    public async Task Missing_and_invalid_emails()
    {
        var body = WhatsAppHeader + "\n" +
            "10/11/19 11:19,,,,,,\n" +
            "10/11/19 11:19,,,,,,a@@x.com\n" +
            "10/11/19 11:19,,,,,,a b@x.com\n" +
            "10/11/19 11:19,,,,,,a@x\n";

        var reasons = (await ReadAsync(IngestFormat.WhatsApp, body)).Select(r => r.Reason).ToList();

        Assert.Equal(
        [
            "no customer e-mail or phone",
            "E-mail: 'a@@x.com' is not a valid e-mail address",
            "E-mail: 'a b@x.com' is not a valid e-mail address",
            "E-mail: 'a@x' is not a valid e-mail address",
        ], reasons);
    }

    [Fact]
    public async Task Columns_are_found_by_name_in_any_order_ignoring_case_and_accents()
    {
        var body = " e-mail ,Extra,INICIO DA CONVERSA,tempo duracao atendimento\nz@x.com,?,12/05/19 9:55,20:00:00\n";

        var draft = Assert.Single(await ReadAsync(IngestFormat.WhatsApp, body)).Draft!;

        Assert.Equal(new InteractionDraft
        {
            Email = "z@x.com", Channel = Channel.WhatsApp, StartedAt = Utc(2019, 12, 5, 12, 55), HandleSeconds = 72_000,
            Source = "whatsapp-export",
        }, draft);
    }

    [Fact]
    public async Task A_header_without_a_required_column_fails_the_body()
    {
        var ex = await Assert.ThrowsAsync<IngestFormatException>(() =>
            ReadAsync(IngestFormat.Email, "Origem do caso,Data/Hora de abertura,Classificação\nSite,04/11/2019 11:19,x\n"));
        Assert.Contains("'Email do cliente'", ex.Message);
        Assert.DoesNotContain("'Data/Hora de abertura';", ex.Message);

        ex = await Assert.ThrowsAsync<IngestFormatException>(() => ReadAsync(IngestFormat.WhatsApp, "E-mail\n"));
        Assert.Contains("'Inicio da conversa'", ex.Message);

        ex = await Assert.ThrowsAsync<IngestFormatException>(() => ReadAsync(IngestFormat.WhatsApp, "\"E-mail,Inicio da conversa\n"));
        Assert.Contains("header row is malformed", ex.Message);

        await Assert.ThrowsAsync<IngestFormatException>(() => ReadAsync(IngestFormat.WhatsApp, ""));
        await Assert.ThrowsAsync<IngestFormatException>(() => ReadAsync(IngestFormat.WhatsApp, WithBom("\r\n\r\n")));
    }

    [Fact]
    public async Task Short_rows_and_broken_quotes_are_rejected_and_reading_goes_on()
    {
        var body = WhatsAppHeader + "\n" +
            "10/11/19 11:19,,,,,Sim\n" +              // 6 fields: E-mail is the 7th
            "10/11/19 11:19,\"a\"b,,,,,a@x.com\n" +   // text after a closing quote
            "10/11/19 11:19,,,,,Sim,a@x.com\n" +
            "10/11/19 11:19,,,,,\"Sim,a@x.com\n";     // never closed

        var records = await ReadAsync(IngestFormat.WhatsApp, body);

        Assert.Equal(4, records.Count);
        Assert.Equal("the row has 6 field(s), fewer than the 7 the required columns need", records[0].Reason);
        Assert.Equal("field 2: text after the closing quote", records[1].Reason);
        Assert.NotNull(records[2].Draft);
        Assert.Equal("field 6: the quoted field is never closed", records[3].Reason);
        Assert.Equal("10/11/19 11:19,,,,,\"Sim,a@x.com\n", records[3].Raw);
    }

    [Fact]
    public async Task Cancellation_stops_the_read()
    {
        using var cts = new CancellationTokenSource();
        var body = new MemoryStream(Encoding.UTF8.GetBytes(WhatsAppHeader + "\n10/11/19 11:19,,,,,Sim,a@x.com\n10/11/19 11:19,,,,,Sim,b@x.com\n"));
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in IngestAdapters.ReadAsync(IngestFormat.WhatsApp, body, Options(), cts.Token))
            {
                seen++;
                await cts.CancelAsync();
            }
        });
        Assert.Equal(1, seen);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public async Task Records_are_cut_correctly_whatever_the_read_size(int chunk)
    {
        var sb = new StringBuilder(EmailHeader).Append("\r\n");
        for (var i = 0; i < 200; i++)
            sb.Append($"\"Site \"\"{i}\"\"\",Loja,1,04/11/2019 11:19,04/11/2019 16:41,\"sub\r\n{i}\",Clássica,c{i}@x.com\r\n");

        var records = await ReadAsync(IngestFormat.Email, WithBom(sb.ToString()), chunk: chunk);

        Assert.Equal(200, records.Count);
        for (var i = 0; i < 200; i++)
        {
            Assert.Null(records[i].Reason);
            Assert.Equal($"c{i}@x.com", records[i].Draft!.Email);
            Assert.Equal($"Site \"{i}\"", records[i].Draft!.SourceDetail);
            Assert.Equal($"sub\r\n{i}", records[i].Draft!.SubClassification);
            Assert.Equal("Clássica", records[i].Draft!.Classification);
        }
    }

    [Fact]
    public async Task A_large_export_is_streamed_record_by_record_in_bounded_memory()
    {
        // 1,000,000 rows (~90 MB) produced on the fly: the reader holds a buffer, never the body. Live memory is
        // measured exactly (forced full collections) at a few points while reading.
        const int Rows = 1_000_000;
        var row = Encoding.UTF8.GetBytes("9/30/19 0:08,10/01/2019 14:08,10/01/2019 14:08,38:00:00,1,Sim,paulorodrigues@email.com\n");
        using var stream = new RepeatingStream(Encoding.UTF8.GetBytes(WhatsAppHeader + "\n"), row, Rows);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        var count = 0;
        await foreach (var record in IngestAdapters.ReadAsync(IngestFormat.WhatsApp, stream, Options(), CancellationToken.None))
        {
            if (record.Draft is null)
                Assert.Fail(record.Reason);
            if (++count % 200_000 == 0)
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }
        Assert.Equal(Rows, count);
        Assert.True(peak < 16 * 1024 * 1024, $"{peak:N0} bytes live while reading a {(long)row.Length * Rows:N0}-byte body");
    }

    private sealed class RepeatingStream(byte[] head, byte[] row, int rows) : Stream
    {
        private long _pos;
        private readonly long _length = head.Length + (long)row.Length * rows;

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = 0;
            while (n < count && _pos < _length)
            {
                buffer[offset + n++] = _pos < head.Length ? head[_pos] : row[(_pos - head.Length) % row.Length];
                _pos++;
            }
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class FieldParsingTests
{
    [Theory]
    [InlineData("0:00:00", 0)]
    [InlineData("00:01:53", 113)]
    [InlineData("38:00:00", 136_800)]
    [InlineData(" 123:59:59 ", 123 * 3600 + 59 * 60 + 59)]
    public void Durations(string text, int seconds)
    {
        Assert.True(Fields.TryParseDuration(text, out var parsed));
        Assert.Equal(seconds, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1:53")]
    [InlineData("00:1:53")]
    [InlineData("00:01:60")]
    [InlineData("-1:00:00")]
    [InlineData("1:00:00.5")]
    [InlineData("999999999:00:00")]
    [InlineData("a:00:00")]
    public void Bad_durations(string text) => Assert.False(Fields.TryParseDuration(text, out _));

    [Theory]
    [InlineData("a@b.co", "a@b.co")]
    [InlineData(" Ab.C+tag@Sub.Example.COM ", "ab.c+tag@sub.example.com")]
    public void Good_emails(string raw, string expected)
    {
        Assert.True(CustomerIds.TryNormalizeEmail(raw, out var email));
        Assert.Equal(expected, email);
    }

    [Theory]
    [InlineData("@b.co")]
    [InlineData("a@")]
    [InlineData("a@b")]
    [InlineData("a@.b")]
    [InlineData("a@b.")]
    [InlineData("a@b..c")]
    [InlineData("a@b@c.d")]
    [InlineData("a\t@b.c")]
    [InlineData("a\u0001@b.c")]
    public void Bad_emails(string raw) => Assert.False(CustomerIds.TryNormalizeEmail(raw, out _));

    [Fact]
    public void Too_long_emails_are_refused()
    {
        Assert.True(CustomerIds.TryNormalizeEmail(new string('a', 248) + "@b.com", out _)); // 254
        Assert.False(CustomerIds.TryNormalizeEmail(new string('a', 249) + "@b.com", out _)); // 255
    }

    [Fact]
    public async Task Without_KeepAllRawText_an_accepted_csv_line_keeps_no_text_and_a_refused_one_does()
    {
        const string header = "Inicio da conversa,Fim da conversa (duração),Fim da conversa (finalizado?),Tempo duração atendimento,Semana,Finalizado?,E-mail";
        var body = header + "\n9/30/19 0:08,x,10/01/2019 14:08,38:00:00,1,Sim,A@X.com\n9/30/19 0:08,x,10/01/2019 14:08,38:00:00,1,Sim,not-an-email\n";
        var records = await ReadAsync(IngestFormat.WhatsApp, body, Options() with { KeepAllRawText = false });

        Assert.Equal(2, records.Count);
        Assert.Null(records[0].Reason);
        Assert.Null(records[0].Raw);
        Assert.NotNull(records[1].Reason);
        Assert.Equal("9/30/19 0:08,x,10/01/2019 14:08,38:00:00,1,Sim,not-an-email", records[1].Raw);
    }
}
