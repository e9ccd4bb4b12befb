using System.Text;
using static CxActors.Ingest.Tests.TestSupport;

namespace CxActors.Ingest.Tests;

public sealed class ExportChunkerTests
{
    private static async Task<List<ExportChunk>> ChunkAsync(IngestFormat format, byte[] file, int perChunk, int readSize = int.MaxValue)
    {
        using var stream = new TrickleStream(file, readSize);
        var chunks = new List<ExportChunk>();
        await foreach (var chunk in ExportChunker.ChunkAsync(format, stream, perChunk, CancellationToken.None))
            chunks.Add(chunk);
        return chunks;
    }

    private static Task<List<ExportChunk>> ChunkAsync(IngestFormat format, string file, int perChunk, int readSize = int.MaxValue) =>
        ChunkAsync(format, Encoding.UTF8.GetBytes(file), perChunk, readSize);

    private static string Text(ExportChunk chunk) => Encoding.UTF8.GetString(chunk.Body);

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public async Task A_json_array_becomes_array_chunks(int readSize)
    {
        var chunks = await ChunkAsync(IngestFormat.Canonical, "[ {\"a\": 1},\n  {\"b\": [2, 3]} ,{\"c\":\"x,]\"}\n]\n", 2, readSize);

        Assert.Equal(2, chunks.Count);
        Assert.Equal("[{\"a\": 1},\n{\"b\": [2, 3]}]\n", Text(chunks[0]));
        Assert.Equal((0, 2, "application/json"), (chunks[0].FirstRecord, chunks[0].Records, chunks[0].ContentType));
        Assert.Equal("[{\"c\":\"x,]\"}]\n", Text(chunks[1]));
        Assert.Equal((2, 1, "application/json"), (chunks[1].FirstRecord, chunks[1].Records, chunks[1].ContentType));
    }

    [Fact]
    public async Task Ndjson_with_a_bom_crlf_and_blank_lines_becomes_arrays_of_the_records_as_written()
    {
        var file = WithBom("{\"a\":1}\r\n\r\n  {\"b\":2}\r\n{\"c\":3}\r\n");

        var chunks = await ChunkAsync(IngestFormat.Phone, file, 2);

        Assert.Equal(["[{\"a\":1},\n{\"b\":2}]\n", "[{\"c\":3}]\n"], chunks.Select(Text));
        Assert.Equal([(0, 2), (2, 1)], chunks.Select(c => (c.FirstRecord, c.Records)));
    }

    [Fact]
    public async Task Values_that_are_not_objects_count_as_records_as_the_server_counts_them()
    {
        // The server rejects 5 and "x" as "record is not a JSON object", at indexes 0 and 2.
        var chunks = await ChunkAsync(IngestFormat.Canonical, "[5, {\"a\":1}, \"x\"]", 2);

        Assert.Equal(["[5,\n{\"a\":1}]\n", "[\"x\"]\n"], chunks.Select(Text));
        var first = await ReadAsync(IngestFormat.Canonical, chunks[0].Body);
        Assert.Equal(["record is not a JSON object", "channel: missing; startedAt: missing"], first.Select(r => r.Reason));
        var second = await ReadAsync(IngestFormat.Canonical, chunks[1].Body);
        Assert.Equal("record is not a JSON object", Assert.Single(second).Reason);
    }

    [Fact]
    public async Task Csv_chunks_repeat_the_header_without_bom_and_with_lf_line_ends()
    {
        var file = WithBom("E-mail,Inicio da conversa\r\na@x.com,9/30/19 0:08\r\n\r\nb@x.com,9/30/19 0:09\r\nc@x.com,9/30/19 0:10");

        var chunks = await ChunkAsync(IngestFormat.WhatsApp, file, 2);

        Assert.Equal(
        [
            "E-mail,Inicio da conversa\na@x.com,9/30/19 0:08\nb@x.com,9/30/19 0:09\n",
            "E-mail,Inicio da conversa\nc@x.com,9/30/19 0:10\n",
        ], chunks.Select(Text));
        Assert.Equal([(0, 2, "text/csv"), (2, 1, "text/csv")], chunks.Select(c => (c.FirstRecord, c.Records, c.ContentType)));
    }

    [Fact]
    public async Task Quoted_line_breaks_stay_inside_their_record()
    {
        const string Header = "Email do cliente,Data/Hora de abertura,Classificação";
        var file = $"{Header}\na@x.com,04/11/2019 11:19,\"linha 1\r\nlinha 2\"\nb@x.com,04/11/2019 11:20,\"dito \"\"assim\"\"\n\"\n";

        var chunks = await ChunkAsync(IngestFormat.Email, file, 1);

        Assert.Equal(
        [
            $"{Header}\na@x.com,04/11/2019 11:19,\"linha 1\r\nlinha 2\"\n",
            $"{Header}\nb@x.com,04/11/2019 11:20,\"dito \"\"assim\"\"\n\"\n",
        ], chunks.Select(Text));
        // Text fields are trimmed, so the second one loses its final line break.
        Assert.Equal("linha 1\r\nlinha 2", Assert.Single(await ReadAsync(IngestFormat.Email, chunks[0].Body)).Draft!.Classification);
        Assert.Equal("dito \"assim\"", Assert.Single(await ReadAsync(IngestFormat.Email, chunks[1].Body)).Draft!.Classification);
    }

    [Fact]
    public async Task A_record_larger_than_the_readers_buffers_is_kept_whole_in_its_chunk()
    {
        // 200 KB: larger than the JSON reader's 64 KiB and the CSV reader's 32 Ki-character first buffers.
        var big = new string('y', 200_000);
        var json = await ChunkAsync(IngestFormat.Chat, $"[{{\"a\":1}},{{\"big\":\"{big}\"}},{{\"c\":3}}]", 2, readSize: 4096);
        Assert.Equal([$"[{{\"a\":1}},\n{{\"big\":\"{big}\"}}]\n", "[{\"c\":3}]\n"], json.Select(Text));

        var csv = await ChunkAsync(IngestFormat.Email, $"Email do cliente,Data/Hora de abertura,Loja\na@x.com,04/11/2019 11:19,\"{big}\"\nb@x.com,04/11/2019 11:20,\n", 1, readSize: 4096);
        Assert.Equal(
        [
            $"Email do cliente,Data/Hora de abertura,Loja\na@x.com,04/11/2019 11:19,\"{big}\"\n",
            "Email do cliente,Data/Hora de abertura,Loja\nb@x.com,04/11/2019 11:20,\n",
        ], csv.Select(Text));
    }

    [Fact]
    public async Task An_empty_file_has_no_chunks_but_a_csv_needs_its_header()
    {
        Assert.Empty(await ChunkAsync(IngestFormat.Canonical, "[]", 10));
        Assert.Empty(await ChunkAsync(IngestFormat.WhatsApp, "E-mail,Inicio da conversa\n", 10));
        var ex = await Assert.ThrowsAsync<IngestFormatException>(() => ChunkAsync(IngestFormat.Email, "", 10));
        Assert.Equal("the file is empty: expected a CSV header row", ex.Message);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ChunkAsync(IngestFormat.Email, "x\n", 0));
    }

    [Theory]
    [InlineData(IngestFormat.Phone, "UraTelefonica.jsonl")]
    [InlineData(IngestFormat.Chat, "chatOnline.jsonl")]
    [InlineData(IngestFormat.WhatsApp, "Whatsapp.csv")]
    [InlineData(IngestFormat.Email, "email.csv")]
    public async Task Reading_the_chunks_gives_the_records_of_the_whole_file_at_the_same_indexes(IngestFormat format, string seed)
    {
        var whole = await ReadSeedAsync(format, seed);

        var chunks = await ChunkAsync(format, await File.ReadAllBytesAsync(SeedFile(seed)), 2);

        Assert.Equal([(0, 2), (2, 2), (4, 1)], chunks.Select(c => (c.FirstRecord, c.Records)));
        var again = new List<IngestRecord>();
        foreach (var chunk in chunks)
        {
            var records = await ReadAsync(format, chunk.Body);
            Assert.Equal(chunk.Records, records.Count);
            again.AddRange(records.Select(r => r with { Index = chunk.FirstRecord + r.Index }));
        }
        Assert.Equal(whole.Select(r => (r.Index, r.Draft, r.Reason)), again.Select(r => (r.Index, r.Draft, r.Reason)));
    }
}
