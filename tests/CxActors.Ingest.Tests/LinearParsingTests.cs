using System.Text;
using static CxActors.Ingest.Tests.TestSupport;

namespace CxActors.Ingest.Tests;

/// <summary>
/// Bodies arriving one byte per read. The readers re-parse a record cut short by the end of their buffer; were
/// they to re-parse after every read, a 1 MB field would cost about 5 * 10^11 character visits and these tests would
/// not finish. They assert results only: slowness is the symptom, not something measured.
/// </summary>
public sealed class LinearParsingTests
{
    private const int Big = 1_000_000;

    [Fact]
    public async Task A_json_record_with_a_1_MB_string_arriving_a_byte_at_a_time()
    {
        var big = new string('é', Big / 2) + new string('x', Big / 2); // 1.5 MB of UTF-8
        var first = $$"""{"customer": "a@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:00:00Z", "notes": "{{big}}"}""";
        var body = $$"""
            [{{first}},
             {"customer": "b@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:00:00Z", "name": "{{big}}"},
             {"customer": "c@x.com", "channel": "CHAT", "startedAt": "2019-08-01T08:00:00Z"}]
            """;

        var records = await ReadAsync(IngestFormat.Canonical, body, chunk: 1);

        Assert.Equal(3, records.Count);
        Assert.Equal("a@x.com", records[0].Draft!.Email); // an unknown property of any size is ignored
        Assert.Equal(first, records[0].Raw);
        Assert.Equal("name: longer than 255 characters (1000000)", records[1].Reason);
        Assert.Equal("c@x.com", records[2].Draft!.Email);
    }

    [Fact]
    public async Task A_csv_record_with_a_1_MB_quoted_field_arriving_a_byte_at_a_time()
    {
        // 1 000 000 characters as written, 999 999 once the doubled quote is undone.
        var big = new string('é', Big / 2) + "\"\"," + new string('x', Big / 2 - 3);
        var body = "Email do cliente,Data/Hora de abertura,Loja,Origem do caso\n" +
            $"a@x.com,04/11/2019 11:19,\"{big}\",Site\n" +
            $"b@x.com,04/11/2019 11:19,,\"{big}\"\n" +
            "c@x.com,04/11/2019 11:19,,Site\n";

        var records = await ReadAsync(IngestFormat.Email, body, chunk: 1);

        Assert.Equal(3, records.Count);
        Assert.Equal("Site", records[0].Draft!.SourceDetail); // "Loja" is not read
        Assert.Equal("source detail: longer than 255 characters (999999)", records[1].Reason);
        Assert.Equal("c@x.com", records[2].Draft!.Email);
    }

    [Fact]
    public async Task Many_json_records_arriving_a_byte_at_a_time()
    {
        const int Count = 5_000;
        var sb = new StringBuilder();
        for (var i = 0; i < Count; i++)
            sb.Append($$"""{"email":"c{{i}}@x.com","data":"08/01/2019","Horário":"08:15:27","duracao_total_da_chamada":"0:00:{{i % 60:D2}}"}""").Append('\n');

        var records = await ReadAsync(IngestFormat.Phone, sb.ToString(), chunk: 1);

        Assert.Equal(Count, records.Count);
        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(i, records[i].Index);
            Assert.Equal($"c{i}@x.com", records[i].Draft!.Email);
            Assert.Equal(Utc(2019, 8, 1, 11, 15, 27).AddSeconds(i % 60), records[i].Draft!.EndedAt);
        }
    }

    [Fact]
    public async Task Many_csv_records_arriving_a_byte_at_a_time()
    {
        const int Count = 5_000;
        var sb = new StringBuilder("E-mail,Inicio da conversa,Tempo duração atendimento\r\n");
        for (var i = 0; i < Count; i++)
            sb.Append($"\"c{i}@x.com\",9/30/19 0:08,{i}:00:00\r\n");

        var records = await ReadAsync(IngestFormat.WhatsApp, sb.ToString(), chunk: 1);

        Assert.Equal(Count, records.Count);
        for (var i = 0; i < Count; i++)
        {
            Assert.Equal(i, records[i].Index);
            Assert.Equal($"c{i}@x.com", records[i].Draft!.Email);
            Assert.Equal(i * 3600, records[i].Draft!.HandleSeconds);
        }
    }
}
