using static CxActors.Ingest.Tests.TestSupport;

namespace CxActors.Ingest.Tests;

/// <summary>
/// The five-customer seed exports, record by record. Expected values are worked out by hand: America/Sao_Paulo
/// was on daylight time (UTC-2) until 2019-02-17 and on UTC-3 for the rest of 2019 (Brazil dropped daylight
/// saving that April), so the January phone call is UTC-2 and everything else UTC-3.
/// </summary>
public sealed class SeedExportTests
{
    [Fact]
    public async Task Phone_export_seed()
    {
        var records = await ReadSeedAsync(IngestFormat.Phone, "UraTelefonica.jsonl");

        InteractionDraft Call(string email, string phone, string name, DateTime start, DateTime end, string agent,
            string queue, string classification, string sub, int wait, int handle) => new()
        {
            Email = email, Phone = phone, Name = name, Channel = Channel.Phone, StartedAt = start, EndedAt = end,
            Agent = agent, Status = "Atendida", Queue = queue, Classification = classification, SubClassification = sub,
            WaitSeconds = wait, HandleSeconds = handle, Source = "phone-export",
        };
        InteractionDraft[] expected =
        [
            // 01/08/2019 is 8 January (month first), still daylight time: 08:15:27 -02:00; +00:01:53.
            Call("paulorodrigues@email.com", "+557199999999", "Paulo Rodrigues", Utc(2019, 1, 8, 10, 15, 27), Utc(2019, 1, 8, 10, 17, 20),
                "Antônia", "Dúvidas Gerais", "Dúvida", "Embarque|Desembarque fora rodoviária", 9, 104),
            // 11 April, 11:19:27 -03:00; +00:02:29.
            Call("crisf@email.com", "+552199999999", "Cristina Ferreira", Utc(2019, 4, 11, 14, 19, 27), Utc(2019, 4, 11, 14, 21, 56),
                "Maria", "Cancelamento", "Cancelamento", "Alteração dia", 35, 104),
            // 10 May, 09:37:37 -03:00; +00:05:07.
            Call("lreis@email.com", "+555199999999", "Luis Reis", Utc(2019, 5, 10, 12, 37, 37), Utc(2019, 5, 10, 12, 42, 44),
                "Antônia", "Dúvidas Gerais", "Dúvida", "Remarcação poltrona", 23, 284),
            // 7 June, 08:55:27 -03:00; +00:04:33 lands exactly on noon UTC.
            Call("joanab@email.com", "+553199999999", "Joana Brecchi", Utc(2019, 6, 7, 11, 55, 27), Utc(2019, 6, 7, 12, 0, 0),
                "Maria", "Cancelamento", "Estorno", "Estorno do valor da Passagem", 69, 204),
            // 8 May, 09:55:49 -03:00; +00:03:23.
            Call("rosana.farias@email.com", "+554199999999", "Rosana Farias", Utc(2019, 5, 8, 12, 55, 49), Utc(2019, 5, 8, 12, 59, 12),
                "Maria", "Dúvidas Gerais", "Dúvida", "Embarque|Desembarque fora rodoviária", 39, 164),
        ];
        AssertRecords(expected, records);
        Assert.StartsWith("{", records[0].Raw);
        Assert.Contains("\"cliente_nome\": \"Paulo Rodrigues\"", records[0].Raw);
        Assert.EndsWith("}", records[0].Raw);
    }

    [Fact]
    public async Task Chat_export_seed()
    {
        var records = await ReadSeedAsync(IngestFormat.Chat, "chatOnline.jsonl");

        InteractionDraft Chat(string email, DateTime start, DateTime end, string agent, int score, string comment) => new()
        {
            Email = email, Channel = Channel.Chat, StartedAt = start, EndedAt = end, Agent = agent, Status = "Atendida",
            FeedbackScore = score, FeedbackComment = comment, Source = "chat-export",
        };
        InteractionDraft[] expected =
        [
            // 10 June (day first), no Status: derived from Atendido = Sim.
            Chat("paulorodrigues@email.com", Utc(2019, 6, 10, 17, 18), Utc(2019, 6, 10, 17, 18), "Antônia", 1, "atendimento pessimo"),
            Chat("crisf@email.com", Utc(2019, 6, 12, 12, 18), Utc(2019, 6, 12, 12, 38), "Maria", 5, "atendimento regular"),
            Chat("lreis@email.com", Utc(2019, 7, 5, 14, 36), Utc(2019, 7, 5, 14, 38), "Antônia", 7, "bom atendimento"),
            Chat("joanab@email.com", Utc(2019, 7, 11, 18, 20), Utc(2019, 7, 11, 18, 25), "Maria", 9, "Excelente atendimento"),
            Chat("rosana.farias@email.com", Utc(2019, 8, 14, 12, 55), Utc(2019, 8, 14, 13, 15), "Maria", 4, "atendimento demorado"),
        ];
        AssertRecords(expected, records);
    }

    [Fact]
    public async Task WhatsApp_export_seed()
    {
        var records = await ReadSeedAsync(IngestFormat.WhatsApp, "Whatsapp.csv");

        InteractionDraft Conversation(string email, DateTime start, DateTime end, int handle) => new()
        {
            Email = email, Channel = Channel.WhatsApp, StartedAt = start, EndedAt = end, Status = "Finalizada",
            HandleSeconds = handle, Source = "whatsapp-export",
        };
        InteractionDraft[] expected =
        [
            // 9/30/19 0:08 -> 30 Sep 2019 00:08 -03:00; end 10/01/2019 14:08 -> 1 Oct; 38:00:00 = 136 800 s.
            Conversation("paulorodrigues@email.com", Utc(2019, 9, 30, 3, 8), Utc(2019, 10, 1, 17, 8), 136_800),
            Conversation("crisf@email.com", Utc(2019, 10, 11, 14, 19), Utc(2019, 10, 11, 17, 8), 90_000),
            Conversation("lreis@email.com", Utc(2019, 10, 18, 12, 37), Utc(2019, 10, 18, 19, 41), 36_000),
            // November 2019: no daylight saving any more in Brazil, still -03:00.
            Conversation("joanab@email.com", Utc(2019, 11, 21, 11, 55), Utc(2019, 11, 21, 18, 20), 36_000),
            Conversation("rosana.farias@email.com", Utc(2019, 12, 5, 12, 55), Utc(2019, 12, 5, 17, 8), 72_000),
        ];
        AssertRecords(expected, records);
        Assert.Equal("9/30/19 0:08,10/01/2019 14:08,10/01/2019 14:08,38:00:00,1,Sim,paulorodrigues@email.com", records[0].Raw);
    }

    [Fact]
    public async Task Email_export_seed()
    {
        var records = await ReadSeedAsync(IngestFormat.Email, "email.csv");

        // Mapped by header name: the seed's "Sub Classificação" column holds the broad topic and
        // "Classificação" the detail; the adapter keeps them as the columns say.
        InteractionDraft Case(string email, DateTime start, DateTime end, string sub, string classification) => new()
        {
            Email = email, Channel = Channel.Email, StartedAt = start, EndedAt = end, Classification = classification,
            SubClassification = sub, SourceDetail = "Site", Source = "email-export",
        };
        InteractionDraft[] expected =
        [
            Case("paulorodrigues@email.com", Utc(2019, 9, 30, 3, 28), Utc(2019, 9, 30, 19, 41), "Dúvida", "Falha na finalizacao da compra"),
            // 04/11/2019 is 11 April (month first, 4-digit year).
            Case("crisf@email.com", Utc(2019, 4, 11, 14, 19), Utc(2019, 4, 11, 19, 41), "Cancelamento", "Alteração de dia"),
            // "10/18/19 09:37 " with a trailing space.
            Case("lreis@email.com", Utc(2019, 10, 18, 12, 37), Utc(2019, 10, 18, 19, 41), "Dúvida", "Remarcação poltrona"),
            // " 08/21/19 08:55" with a leading space.
            Case("joanab@email.com", Utc(2019, 8, 21, 11, 55), Utc(2019, 8, 21, 19, 41), "Cancelamento", "Estorno"),
            // " rosana.farias@email.com" with a leading space.
            Case("rosana.farias@email.com", Utc(2019, 8, 20, 12, 55), Utc(2019, 8, 20, 19, 41), "Dúvida", "Embarque/Desembarque fora da rodoviária"),
        ];
        AssertRecords(expected, records);
    }

    [Fact]
    public async Task Seed_drafts_become_interactions_with_stable_ids()
    {
        var draft = (await ReadSeedAsync(IngestFormat.Phone, "UraTelefonica.jsonl"))[0].Draft!;

        var interaction = draft.ToInteraction("paulorodrigues@email.com");

        Assert.Equal(InteractionIdentity.Compute("paulorodrigues@email.com", Channel.Phone, Utc(2019, 1, 8, 10, 15, 27), null), interaction.Id);
        Assert.Equal(32, interaction.Id.Length);
        Assert.Equal("paulorodrigues@email.com", interaction.CustomerId);
        Assert.Equal(Channel.Phone, interaction.Channel);
        Assert.Equal(draft.StartedAt, interaction.StartedAt);
        Assert.Equal(DateTimeKind.Utc, interaction.StartedAt.Kind);
        Assert.Equal(draft.EndedAt, interaction.EndedAt);
        Assert.Equal("+557199999999", interaction.Phone);
        Assert.Equal("Paulo Rodrigues", interaction.Name);
        Assert.Equal("Antônia", interaction.Agent);
        Assert.Equal("Atendida", interaction.Status);
        Assert.Equal("Dúvidas Gerais", interaction.Queue);
        Assert.Equal("Dúvida", interaction.Classification);
        Assert.Equal("Embarque|Desembarque fora rodoviária", interaction.SubClassification);
        Assert.Equal(9, interaction.WaitSeconds);
        Assert.Equal(104, interaction.HandleSeconds);
        Assert.Equal("phone-export", interaction.Source);
        Assert.Equal(interaction.Id, draft.ToInteraction("paulorodrigues@email.com").Id);
    }

    private static void AssertRecords(InteractionDraft[] expected, List<IngestRecord> records)
    {
        Assert.Equal(expected.Length, records.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(i, records[i].Index);
            Assert.Null(records[i].Reason);
            Assert.Equal(expected[i], records[i].Draft);
            Assert.Equal(DateTimeKind.Utc, records[i].Draft!.StartedAt.Kind);
            Assert.Equal(DateTimeKind.Utc, records[i].Draft!.EndedAt!.Value.Kind);
        }
    }
}
