using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace CxActors.Bench.Data;

public enum Channel : byte { Phone, Chat, WhatsApp, Email }

/// <summary>One generated interaction, compact (a million of them are held at once).</summary>
public struct GenInteraction
{
    public int Customer;
    /// <summary>Its position in its customer's arrival order (1-based): the customer_seq the grain will give it.</summary>
    public int Seq;
    public Channel Channel;
    public long StartedTicks;
    public int WaitSeconds;
    public int HandleSeconds;
    /// <summary>-1: no end time (an abandoned contact).</summary>
    public int EndOffsetSeconds;
    public short Agent;
    public byte Status;
    public byte Queue;
    public byte Topic;
    /// <summary>-1: no feedback.</summary>
    public sbyte Score;
    /// <summary>-1: no comment.</summary>
    public sbyte Comment;
    /// <summary>0: no source id (natural identity); else a number unique in the run.</summary>
    public long SourceNumber;
}

/// <summary>
/// Seeded, realistic synthetic contacts: a log-normal (skewed) number of contacts per customer (median about
/// 0.6 of the mean, a long tail of heavy customers), all four channels, timestamps spread over the last six months,
/// and the field values the exports carry (Portuguese queues, agents, classifications, feedback). Phone and chat
/// records carry a source id, WhatsApp and e-mail records are identified naturally (customer, channel, startedAt).
/// </summary>
public sealed class SyntheticData
{
    public const string Domain = "bench.example";
    private const int Days = 180;

    private static readonly string[] FirstNames =
    [
        "ana", "bruno", "carla", "daniel", "eduarda", "felipe", "gabriela", "henrique", "isabela", "joao", "julia", "lucas",
        "mariana", "mateus", "natalia", "otavio", "paula", "rafael", "sofia", "thiago", "vitoria", "wagner", "yasmin", "paulo",
        "cristina", "leticia", "marcos", "renata", "sergio", "tatiane",
    ];
    private static readonly string[] LastNames =
    [
        "silva", "santos", "oliveira", "souza", "rodrigues", "ferreira", "alves", "pereira", "lima", "gomes", "costa", "ribeiro",
        "martins", "carvalho", "almeida", "lopes", "soares", "fernandes", "vieira", "barbosa", "rocha", "dias", "nascimento", "reis",
    ];
    private static readonly string[] Mailboxes = ["gmail.com", "hotmail.com", "outlook.com", "uol.com.br", "yahoo.com.br", "email.com"];
    private static readonly string[] Ddds = ["11", "21", "31", "41", "51", "61", "71", "81", "85", "92"];

    public static readonly string[] Agents = [.. FirstNames.SelectMany(f => new[] { "A", "B", "C", "M", "R" }.Select(i => $"{Capitalise(f)} {i}."))];
    public static readonly string[][] Queues =
    [
        ["Dúvidas Gerais", "Cancelamento", "Vendas", "Remarcação", "Financeiro"],
        ["Dúvidas Gerais", "Cancelamento", "Vendas", "Pós-venda"],
        ["WhatsApp Atendimento", "WhatsApp Vendas"],
        ["Caixa de entrada"],
    ];
    public static readonly string[][] Statuses =
    [
        ["Atendida", "Abandonada"],
        ["Atendida", "Não atendida"],
        ["Finalizada", "Não finalizada"],
        ["Fechado", "Aberto"],
    ];
    public static readonly (string Classification, string Sub)[] Topics =
    [
        ("Dúvida", "Remarcação poltrona"), ("Dúvida", "Embarque|Desembarque fora rodoviária"), ("Dúvida", "Bagagem"),
        ("Cancelamento", "Estorno"), ("Cancelamento", "Alteração de dia"), ("Cancelamento", "Desistência"),
        ("Falha na finalizacao da compra", "Dúvida"), ("Falha na finalizacao da compra", "Cartão recusado"),
        ("Reclamação", "Atraso"), ("Reclamação", "Atendimento"), ("Elogio", "Atendimento"), ("Informação", "Horários"),
    ];
    public static readonly string[] Comments =
    [
        "atendimento pessimo", "muito bom, resolveu rápido", "demorou demais", "ótimo atendimento", "não resolveu meu problema",
        "a atendente foi muito educada", "fiquei muito tempo esperando", "tudo certo", "preciso de retorno", "excelente",
    ];

    private readonly Random _random;

    public SyntheticData(int seed, int customers, int interactions, DateTime nowUtc)
    {
        _random = new Random(seed);
        NowUtc = nowUtc;
        Emails = new string[customers];
        Names = new string[customers];
        Phones = new string[customers];
        for (var c = 0; c < customers; c++)
        {
            var first = FirstNames[_random.Next(FirstNames.Length)];
            var last = LastNames[_random.Next(LastNames.Length)];
            // The index keeps every address unique; the rest makes it look like one.
            Emails[c] = $"{first}.{last}.{c}@{Mailboxes[_random.Next(Mailboxes.Length)]}";
            Names[c] = $"{Capitalise(first)} {Capitalise(last)}";
            Phones[c] = $"55{Ddds[_random.Next(Ddds.Length)]}9{_random.Next(10_000_000, 99_999_999)}";
        }
        Counts = SkewedCounts(customers, interactions);
        Interactions = Generate();
    }

    public DateTime NowUtc { get; }
    public string[] Emails { get; }
    public string[] Names { get; }
    public string[] Phones { get; }
    /// <summary>Interactions per customer.</summary>
    public int[] Counts { get; }
    /// <summary>Every interaction, in arrival order (by startedAt: a live feed replayed).</summary>
    public GenInteraction[] Interactions { get; }

    private int[] SkewedCounts(int customers, int total)
    {
        // Log-normal with sigma 1: median = mean / e^0.5. Then nudged to the exact total, keeping everyone >= 1.
        var mean = (double)total / customers;
        var mu = Math.Log(mean) - 0.5;
        var counts = new int[customers];
        long sum = 0;
        for (var c = 0; c < customers; c++)
        {
            counts[c] = Math.Max(1, (int)Math.Round(Math.Exp(mu + Gaussian())));
            sum += counts[c];
        }
        while (sum != total)
        {
            var c = _random.Next(customers);
            if (sum < total) { counts[c]++; sum++; }
            else if (counts[c] > 1) { counts[c]--; sum--; }
        }
        return counts;
    }

    private GenInteraction[] Generate()
    {
        var all = new GenInteraction[Counts.Sum()];
        var i = 0;
        var span = TimeSpan.FromDays(Days).Ticks;
        long sourceNumber = 1_000_000;
        for (var c = 0; c < Counts.Length; c++)
        {
            for (var k = 0; k < Counts[c]; k++)
            {
                // Whole seconds plus 1..999 ms: never on a whole minute, so the e-mail export (minute precision)
                // of part 5 cannot collide with these.
                var started = NowUtc.Ticks - 60 * TimeSpan.TicksPerSecond - (long)(_random.NextDouble() * span);
                started = started - started % TimeSpan.TicksPerSecond + _random.Next(1, 1000) * TimeSpan.TicksPerMillisecond;
                all[i++] = Make(c, started, ref sourceNumber);
            }
        }
        Array.Sort(all, (a, b) => a.StartedTicks.CompareTo(b.StartedTicks));
        var seq = new int[Counts.Length];
        for (var j = 0; j < all.Length; j++)
            all[j].Seq = ++seq[all[j].Customer];
        return all;
    }

    /// <summary>One interaction of customer <paramref name="customer"/> at <paramref name="startedTicks"/>.</summary>
    public GenInteraction Make(int customer, long startedTicks, ref long sourceNumber)
    {
        var roll = _random.NextDouble();
        var channel = roll < 0.35 ? Channel.Phone : roll < 0.60 ? Channel.Chat : roll < 0.85 ? Channel.WhatsApp : Channel.Email;
        var ch = (int)channel;
        var answered = _random.NextDouble() < 0.85;
        var wait = channel == Channel.Email ? 0 : (int)Math.Min(1800, -Math.Log(1 - _random.NextDouble()) * 60);
        var handle = answered ? (int)Math.Min(7200, Math.Exp(5.5 + 0.8 * Gaussian())) : 0;
        var withFeedback = channel is Channel.Phone or Channel.Chat && answered && _random.NextDouble() < 0.3;
        return new GenInteraction
        {
            Customer = customer,
            Channel = channel,
            StartedTicks = startedTicks,
            WaitSeconds = wait,
            HandleSeconds = handle,
            EndOffsetSeconds = answered ? wait + handle : (channel == Channel.Email ? -1 : wait),
            Agent = (short)(answered ? _random.Next(Agents.Length) : -1),
            Status = (byte)(answered ? 0 : 1),
            Queue = (byte)_random.Next(Queues[ch].Length),
            Topic = (byte)_random.Next(Topics.Length),
            Score = (sbyte)(withFeedback ? Math.Clamp(10 - (int)(-Math.Log(1 - _random.NextDouble()) * 2.5), 0, 10) : -1),
            Comment = (sbyte)(withFeedback && _random.NextDouble() < 0.3 ? _random.Next(Comments.Length) : -1),
            SourceNumber = channel is Channel.Phone or Channel.Chat ? ++sourceNumber : 0,
        };
    }

    public static string ChannelCode(Channel c) => c switch
    {
        Channel.Phone => "PHONE",
        Channel.Chat => "CHAT",
        Channel.WhatsApp => "WHATSAPP",
        _ => "EMAIL",
    };

    public static string? SourceId(in GenInteraction i) => i.SourceNumber == 0
        ? null
        : (i.Channel == Channel.Phone ? "URA-" : "CHAT-") + i.SourceNumber.ToString("D10", CultureInfo.InvariantCulture);

    /// <summary>The interaction id the service derives (the same recipe as InteractionIdentity), for the SQL references.</summary>
    public static string InteractionId(string customerId, in GenInteraction i)
    {
        var sourceId = SourceId(i);
        var key = sourceId is not null
            ? $"src\n{customerId}\n{ChannelCode(i.Channel)}\n{sourceId}"
            : $"nat\n{customerId}\n{ChannelCode(i.Channel)}\n{i.StartedTicks}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    /// <summary>Canonical JSON bodies of <paramref name="batch"/> consecutive interactions each.</summary>
    public List<byte[]> CanonicalBodies(int batch)
    {
        var bodies = new List<byte[]>(Interactions.Length / batch + 1);
        var buffer = new ArrayBufferWriter<byte>(batch * 600);
        for (var start = 0; start < Interactions.Length; start += batch)
        {
            buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                for (var j = start; j < Math.Min(start + batch, Interactions.Length); j++)
                    WriteCanonical(json, Interactions[j], Emails[Interactions[j].Customer], Names[Interactions[j].Customer], Phones[Interactions[j].Customer]);
                json.WriteEndArray();
            }
            bodies.Add(buffer.WrittenSpan.ToArray());
        }
        return bodies;
    }

    public static byte[] CanonicalBody(IEnumerable<(GenInteraction Interaction, string Email)> interactions)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var (interaction, email) in interactions)
                WriteCanonical(json, interaction, email, null, null);
            json.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteCanonical(Utf8JsonWriter json, in GenInteraction i, string email, string? name, string? phone)
    {
        var ch = (int)i.Channel;
        json.WriteStartObject();
        json.WriteString("customer", email);
        json.WriteString("channel", ChannelCode(i.Channel));
        json.WriteString("startedAt", Iso(i.StartedTicks));
        if (SourceId(i) is { } id)
            json.WriteString("id", id);
        if (i.EndOffsetSeconds >= 0)
            json.WriteString("endedAt", Iso(i.StartedTicks + i.EndOffsetSeconds * TimeSpan.TicksPerSecond));
        if (name is not null && i.Channel is Channel.Phone or Channel.Chat)
            json.WriteString("name", name);
        if (phone is not null && i.Channel is Channel.Phone)
            json.WriteString("phone", phone);
        if (i.Agent >= 0)
            json.WriteString("agent", Agents[i.Agent]);
        json.WriteString("status", Statuses[ch][i.Status]);
        json.WriteString("queue", Queues[ch][i.Queue]);
        json.WriteString("classification", Topics[i.Topic].Classification);
        json.WriteString("subClassification", Topics[i.Topic].Sub);
        if (i.Score >= 0)
            json.WriteNumber("feedbackScore", i.Score);
        if (i.Comment >= 0)
            json.WriteString("feedbackComment", Comments[i.Comment]);
        if (i.Channel != Channel.Email)
            json.WriteNumber("waitSeconds", i.WaitSeconds);
        if (i.HandleSeconds > 0)
            json.WriteNumber("handleSeconds", i.HandleSeconds);
        json.WriteEndObject();
    }

    public static string Iso(long ticks) =>
        new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A native e-mail (case) export in the shape of the seed's email.csv: its columns, local São Paulo times at
    /// minute precision in both date shapes the seed mixes, stray spaces, for the same skewed customers.
    /// Each (customer, opening minute) is unique, so every record is a new interaction.
    /// </summary>
    public void WriteEmailExport(string path, int records)
    {
        var cumulative = new long[Counts.Length];
        long running = 0;
        for (var c = 0; c < Counts.Length; c++)
            cumulative[c] = running += Counts[c];
        var taken = new HashSet<long>(records);
        var minutes = Days * 24 * 60;
        var nowMinute = NowUtc.Ticks / TimeSpan.TicksPerMinute - 24 * 60; // at least a day old
        // São Paulo has kept UTC-3 all year since 2019: local = UTC - 3 h for these dates.
        var local = TimeSpan.FromHours(-3).Ticks;
        string[] origins = ["Site", "App", "Site", "Telefone", "Chat"];
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("Origem do caso,Loja,Semana,Data/Hora de abertura,Data/Hora de fechamento,Sub Classificação,Classificação,Email do cliente\n");
        for (var r = 0; r < records; r++)
        {
            var pick = (long)(_random.NextDouble() * running);
            var customer = Array.BinarySearch(cumulative, pick + 1);
            if (customer < 0)
                customer = ~customer;
            long minute;
            do
                minute = nowMinute - _random.Next(minutes);
            while (!taken.Add(customer * (long)(minutes + 2 * 24 * 60) + (nowMinute - minute)));
            var opened = new DateTime(minute * TimeSpan.TicksPerMinute + local);
            var closed = opened.AddMinutes(_random.Next(5, 20 * 60)); // closed before now: opened is a day old at least
            var topic = Topics[_random.Next(Topics.Length)];
            var longShape = _random.Next(2) == 0;
            writer.Write(origins[_random.Next(origins.Length)]);
            writer.Write(",Clickbus,");
            writer.Write((opened.Day - 1) / 7 + 1);
            writer.Write(',');
            writer.Write(longShape ? opened.ToString("MM/dd/yyyy HH:mm", CultureInfo.InvariantCulture) : opened.ToString("M/d/yy H:mm", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(longShape ? closed.ToString("MM/dd/yyyy HH:mm", CultureInfo.InvariantCulture) : closed.ToString("M/d/yy H:mm", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(topic.Sub.Contains(',') ? $"\"{topic.Sub}\"" : topic.Sub);
            writer.Write(',');
            writer.Write(topic.Classification);
            writer.Write(',');
            writer.Write(r % 10 == 0 ? $" {Emails[customer]} " : Emails[customer]);
            writer.Write('\n');
        }
    }

    private double Gaussian()
    {
        // Box-Muller.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static string Capitalise(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
