using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CxActors.Tests.Infrastructure;

/// <summary>
/// One generated HTTP request of the fuzz run. <paramref name="ContentType"/> and <paramref name="Accept"/> are sent
/// as given, unvalidated (null: no such header); <paramref name="Chunked"/> sends the body without a Content-Length.
/// </summary>
public sealed record FuzzRequest(string Endpoint, string Method, string Target, string? ContentType, string? Accept, byte[] Body, bool Chunked)
{
    /// <summary>The request as a file: the request line and headers as sent, a blank line, then the body's exact bytes.</summary>
    public byte[] ToFileBytes()
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"{Method} {Target} HTTP/1.1\n")
            .Append(CultureInfo.InvariantCulture, $"X-Fuzz-Endpoint: {Endpoint}\n")
            .Append(ContentType is null ? "" : $"Content-Type: {ContentType}\n")
            .Append(Accept is null ? "" : $"Accept: {Accept}\n")
            .Append(Chunked ? "Transfer-Encoding: chunked\n" : $"Content-Length: {Body.Length}\n")
            .Append('\n');
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. Body];
    }

    public override string ToString() =>
        $"{Method} {(Target.Length <= 200 ? Target : Target[..200] + "…")} ({Endpoint}; Content-Type: {ContentType ?? "none"}; Accept: {Accept ?? "none"}; " +
        $"{Body.Length} bytes{(Chunked ? ", chunked" : "")})";
}

/// <summary>
/// SplitMix64: a tiny generator whose sequence depends on nothing but its seed (System.Random makes no such promise
/// across .NET versions), so a seed and an iteration number replay one request exactly.
/// </summary>
public sealed class FuzzRandom(ulong seed)
{
    private ulong _state = seed;

    public static FuzzRandom ForIteration(ulong seed, long iteration) => new(seed ^ (0x9E3779B97F4A7C15UL * (ulong)(iteration + 1)));

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>min inclusive, max exclusive.</summary>
    public int Int(int min, int max) => max <= min ? min : min + (int)(Next() % (ulong)(max - min));

    public bool Chance(double p) => Next() % 1_000_000 < p * 1_000_000;

    public T Pick<T>(IReadOnlyList<T> items) => items[Int(0, items.Count)];

    /// <summary>A length skewed towards small: most draws short, some up to <paramref name="max"/>.</summary>
    public int Skewed(int max) => Int(0, 1 + (max >> Int(0, 20)));

    /// <summary>Picks by weight: <c>Weighted((3, a), (1, b))</c>.</summary>
    public T Weighted<T>(params (int Weight, T Value)[] choices)
    {
        var at = Int(0, choices.Sum(c => c.Weight));
        foreach (var (weight, value) in choices)
        {
            if (at < weight)
                return value;
            at -= weight;
        }
        return choices[^1].Value;
    }
}

/// <summary>
/// Generators of requests for every HTTP endpoint of the silo, starting from valid bodies (the seed exports in
/// ../shared/seed-datasets, canonical records of the same people, the README's GraphQL queries) and mutating them:
/// field values of the wrong type, duplicated, renamed and unknown keys, strings up to ~1 MB, deep nesting, NUL and
/// control characters, invalid UTF-8, unpaired surrogates, CSV quoting, line breaks and BOMs, truncation and byte
/// flips of the whole body; content types right, wrong, missing, with parameters or garbage; empty bodies and bodies
/// over the limit (sent with a Content-Length or chunked). <see cref="Generate"/> is a pure function of (seed,
/// iteration).
/// </summary>
public sealed class HttpFuzzInputs
{
    private readonly long _maxIngestBytes;
    private readonly long _maxGraphQLBytes;
    private readonly List<(byte[] Name, byte[] Value)>[] _phone;
    private readonly List<(byte[] Name, byte[] Value)>[] _chat;
    private readonly (string[] Header, string[][] Rows) _whatsapp;
    private readonly (string[] Header, string[][] Rows) _email;

    public HttpFuzzInputs(long maxIngestBytes, long maxGraphQLBytes)
    {
        _maxIngestBytes = maxIngestBytes;
        _maxGraphQLBytes = maxGraphQLBytes;
        _phone = SeedJsonRecords("UraTelefonica.jsonl");
        _chat = SeedJsonRecords("chatOnline.jsonl");
        _whatsapp = SeedCsv("Whatsapp.csv");
        _email = SeedCsv("email.csv");
    }

    /// <summary>The endpoints as the run's histogram names them.</summary>
    public static readonly string[] Endpoints =
        ["ingest/interactions", "ingest/phone", "ingest/chat", "ingest/whatsapp", "ingest/email", "ingest/unknown", "graphql POST", "graphql GET", "health", "wrong method"];

    public FuzzRequest Generate(ulong seed, long iteration)
    {
        var r = FuzzRandom.ForIteration(seed, iteration);
        return r.Weighted<Func<FuzzRandom, FuzzRequest>>(
            (22, Canonical),
            (8, x => NativeJson(x, "ingest/phone", x.Pick(["/ingest/phone", "/ingest/ura", "/ingest/URA", "/ingest/Phone"]), _phone, PhoneFields)),
            (8, x => NativeJson(x, "ingest/chat", x.Pick(["/ingest/chat", "/ingest/CHAT"]), _chat, ChatFields)),
            (8, x => NativeCsv(x, "ingest/whatsapp", x.Pick(["/ingest/whatsapp", "/ingest/WhatsApp"]), _whatsapp)),
            (8, x => NativeCsv(x, "ingest/email", x.Pick(["/ingest/email", "/ingest/EMAIL", "/ingest/Email"]), _email)),
            (4, UnknownIngest),
            (22, GraphQLPost),
            (10, GraphQLGet),
            (3, Health),
            (3, WrongMethod))(r);
    }

    // ---- text and JSON values -----------------------------------------------------------------------------------

    private static readonly string[] NastyStrings =
        ["", " ", "\0", "\u0001\u0002", "\t\r\n", "\u007F", "\u0085", "\u00A0", "\u2028\u2029", "\uFEFF", "\uFFFD", "\uFFFF", "\uD800", "\uDC00x",
            "\uD83D\uDE00", "é", "ÇÃÕ", "İı", "ß", "\"", "\\", "'", "\",\"", "\r\n\"", "null", "NaN", "-0", "1e400", "undefined", "{", "[", "}", "]",
            "%00", "../..", "<script>", "'; DROP TABLE interactions; --", "PHONE", "whatsapp", "Sim", "Não"];

    private static string ShortText(FuzzRandom r)
    {
        var sb = new StringBuilder();
        var n = r.Int(0, 24);
        for (var i = 0; i < n; i++)
        {
            sb.Append(r.Weighted<Func<FuzzRandom, string>>(
                (8, x => ((char)x.Int('a', 'z' + 1)).ToString()),
                (2, x => ((char)x.Int('0', '9' + 1)).ToString()),
                (2, x => x.Pick([" ", ",", ".", "@", "-", ":", "/", "\"", "\\", ";", "|"])),
                (1, x => ((char)x.Int(0, 0x20)).ToString()),
                (2, x => x.Pick(NastyStrings)))(r));
        }
        return sb.ToString();
    }

    /// <summary>A repeated pattern of <paramref name="length"/> characters: cheap to make, as hard to read as any.</summary>
    private static string Repeat(string pattern, int length)
    {
        if (pattern.Length == 0)
            pattern = "x";
        var sb = new StringBuilder(length + pattern.Length);
        while (sb.Length < length)
            sb.Append(pattern);
        return sb.ToString(0, length);
    }

    private static string HugeText(FuzzRandom r) => Repeat(ShortText(r), r.Weighted((6, r.Int(256, 20_000)), (3, r.Int(20_000, 250_000)), (1, r.Int(250_000, 1_100_000))));

    private static readonly string[] CustomerPool =
        [.. Enumerable.Range(0, 30).Select(i => $"fuzz{i}@email.com"), "paulorodrigues@email.com", "crisf@email.com", "lreis@email.com", "joanab@email.com", "rosana.farias@email.com"];

    private static string Email(FuzzRandom r) => r.Weighted<Func<FuzzRandom, string>>(
        (6, x => x.Pick(CustomerPool)),
        (2, x => x.Pick(CustomerPool).ToUpperInvariant()),
        (2, x => "  " + x.Pick(CustomerPool) + "\t"),
        (2, x => x.Pick(["a@@x.com", "a b@x.com", "a@x", "@x.com", "a@.x.com", "a@x..com", "a\u0001@x.com", "a@x.com.", "ação@exemplo.com.br", "İ@x.com",
            "\uD800@x.com", "a@\uDC00.com", "x\0y@z.com", "K@x.com", "a@b.c", new string('a', 248) + "@b.com", new string('a', 249) + "@b.com", "a\u00A0@x.com",
            "a\u2028@x.com", "\uFEFFa@x.com", "a@x.com\uFEFF", "a@x.c\u0085", "\"a\"@x.com", "a+b@x.com"])),
        (1, x => ShortText(x) + "@" + ShortText(x) + "." + ShortText(x)))(r);

    private static string IsoTime(FuzzRandom r) => r.Weighted<Func<FuzzRandom, string>>(
        (6, x => new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(x.Int(0, 7 * 365 * 86_400))
            .ToOffset(TimeSpan.FromHours(x.Int(-12, 14))).ToString(x.Pick(["yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.fffZ", "yyyy-MM-ddTHH:mm:ss.fffffffzzz"]), CultureInfo.InvariantCulture)),
        (2, x => x.Pick(["9999-12-31T23:59:59-03:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00Z", "2019-08-01T08:15:27",
            "2019-08-01", "2023-02-29T09:00:19Z", "2019-08-01T08:15:27+99:99", "2019-08-01T08:15:27Z ", "", "2099-01-01T00:00:00Z", "2019-13-01T00:00:00Z",
            "2019-08-01T24:00:00Z", "+002019-08-01T00:00:00Z", "2019-08-01T08:15:27.12345678901234567890Z", "2019-W31-4T00:00:00Z", "01/08/2019 08:15:27"])),
        (1, ShortText))(r);

    private static string NativeText(FuzzRandom r) => r.Weighted<Func<FuzzRandom, string>>(
        (2, x => $"{x.Int(0, 14)}/{x.Int(0, 33)}/{x.Pick(["19", "2019", "0", "9999", "10000", "", "-1"])} {x.Int(0, 25)}:{x.Int(0, 61):D2}"),
        (2, x => $"{x.Int(0, 14):D2}/{x.Int(0, 33):D2}/{x.Int(0, 10_000)}"),
        (2, x => $"{x.Pick(["00", "99", "596523", "-1", "99999999999", ""])}:{x.Int(0, 61):D2}:{x.Int(0, 61):D2}"),
        (1, x => $"{x.Int(0, 25)}:{x.Int(0, 61):D2}:{x.Int(0, 61):D2}"),
        (1, x => x.Pick(["Sim", "Não", "nao", "SIM", "Atendida", "", " "])))(r);

    public static byte[] JsonString(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            if (c is '"' or '\\')
                sb.Append('\\').Append(c);
            else if (c < 0x20 || char.IsSurrogate(c))
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            else
                sb.Append(c);
        }
        return Encoding.UTF8.GetBytes(sb.Append('"').ToString());
    }

    private static readonly byte[][] InvalidUtf8 = [[0x80], [0xC3], [0xFF], [0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xF8, 0x88, 0x80, 0x80, 0x80]];

    private static byte[] Nested(FuzzRandom r)
    {
        var depth = r.Weighted((3, r.Int(1, 70)), (1, r.Int(70, 5_000)));
        return r.Chance(0.5)
            ? Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth))
            : Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth));
    }

    private static byte[] AnyJsonValue(FuzzRandom r) => r.Weighted<Func<FuzzRandom, byte[]>>(
        (6, x => JsonString(ShortText(x))),
        (3, x => JsonString(Email(x))),
        (3, x => JsonString(IsoTime(x))),
        (2, x => JsonString(NativeText(x))),
        (1, x => JsonString(HugeText(x))),
        (3, x => Encoding.UTF8.GetBytes(x.Pick(["0", "-0", "10", "11", "-1", "4.5", "1e400", "-1e400", "1E2", "2147483647", "2147483648", "-2147483649",
            "9223372036854775807", "99999999999999999999999999999999", "7199999999", "0.0000000000000000000000001", "1e-400", "true", "false", "null"]))),
        (1, x => Encoding.UTF8.GetBytes(((long)x.Next()).ToString(CultureInfo.InvariantCulture))),
        (2, x => Encoding.UTF8.GetBytes(x.Pick(["{}", "[]", "[1,2]", "{\"a\":{\"b\":\"c\"}}", "[\"x\"]", "[null]"]))),
        (1, Nested),
        (1, x => [.. JsonString(ShortText(x))[..^1], .. x.Pick(InvalidUtf8), .. JsonString(ShortText(x))[1..]]))(r);

    private static byte[] PropertyName(FuzzRandom r, string[] known) => r.Weighted<Func<FuzzRandom, byte[]>>(
        (6, x => JsonString(x.Pick(known))),
        (2, x => JsonString(x.Pick(known).ToUpperInvariant())),
        (1, x => JsonString(" " + x.Pick(known) + " ")),
        (1, x => JsonString(ShortText(x))),
        (1, x => [.. JsonString(ShortText(x))[..^1], .. x.Pick(InvalidUtf8), (byte)'"']),
        (1, x => JsonString(HugeText(x))))(r);

    // ---- JSON records and bodies --------------------------------------------------------------------------------

    private static readonly string[] CanonicalFields =
        ["customer", "channel", "startedAt", "id", "endedAt", "name", "phone", "agent", "status", "queue",
            "classification", "subClassification", "feedbackScore", "feedbackComment", "waitSeconds", "handleSeconds"];

    private static readonly string[] PhoneFields =
        ["email", "cliente_nome", "telefone", "data", "Horário", "duracao_total_da_chamada", "Agente", "Status",
            "fila_descricao", "classificacao", "sub_classificacao", "duracao_espera_fila", "duracao_atendimento"];

    private static readonly string[] ChatFields =
        ["Visitor_Email", "Data da conversa (Inicio)", "Data da conversa (Fim)", "Agente", "Status", "Atendido",
            "Feedback_Average", "Feedback_Response_Additional"];

    /// <summary>A valid canonical record of one of the pool's customers (most of them accepted as they are).</summary>
    private static List<(byte[] Name, byte[] Value)> CanonicalRecord(FuzzRandom r)
    {
        var started = new DateTimeOffset(2018, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(r.Int(0, 7 * 365 * 86_400));
        var fields = new List<(string, byte[])>
        {
            ("customer", JsonString(r.Pick(CustomerPool))),
            ("channel", JsonString(r.Pick(["PHONE", "CHAT", "WHATSAPP", "EMAIL", "chat", "e-mail"]))),
            ("startedAt", JsonString(started.ToOffset(TimeSpan.FromHours(-3)).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture))),
        };
        if (r.Chance(0.5))
            fields.Add(("id", r.Chance(0.5) ? JsonString($"fz-{r.Int(0, 5_000)}") : Encoding.UTF8.GetBytes(r.Int(0, 5_000).ToString(CultureInfo.InvariantCulture))));
        if (r.Chance(0.5))
            fields.Add(("endedAt", JsonString(started.AddSeconds(r.Int(0, 7_200)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture))));
        if (r.Chance(0.5))
            fields.Add(("name", JsonString(r.Pick(["Paulo Rodrigues", "Cristina Ferreira", "Luis Reis", "Joana B", "Rosana Farias"]))));
        if (r.Chance(0.3))
            fields.Add(("phone", r.Chance(0.5) ? JsonString($"(71) 9{r.Int(1000, 9999)}-{r.Int(1000, 9999)}") : Encoding.UTF8.GetBytes($"7199{r.Int(100_000, 999_999)}")));
        foreach (var name in new[] { "agent", "status", "queue", "classification", "subClassification", "feedbackComment" })
            if (r.Chance(0.3))
                fields.Add((name, JsonString(r.Pick(["Antônia", "Maria", "Atendida", "Dúvidas Gerais", "Dúvida", "Embarque|Desembarque", "ótimo"]))));
        foreach (var name in new[] { "feedbackScore", "waitSeconds", "handleSeconds" })
            if (r.Chance(0.3))
                fields.Add((name, Encoding.UTF8.GetBytes(r.Int(0, 11).ToString(CultureInfo.InvariantCulture))));
        return [.. fields.Select(f => (JsonString(f.Item1), f.Item2))];
    }

    /// <summary>0-4 field mutations: replace a value, remove, add a known or unknown key, duplicate a key, rename.</summary>
    private static List<(byte[] Name, byte[] Value)> Mutate(FuzzRandom r, List<(byte[] Name, byte[] Value)> record, string[] known)
    {
        var fields = record.ToList();
        var mutations = r.Weighted((4, 0), (4, 1), (2, 2), (1, 4));
        for (var m = 0; m < mutations; m++)
        {
            var i = fields.Count == 0 ? -1 : r.Int(0, fields.Count);
            switch (r.Int(0, 6))
            {
                case 0 or 1 when i >= 0: fields[i] = (fields[i].Name, AnyJsonValue(r)); break;
                case 2 when i >= 0: fields.RemoveAt(i); break;
                case 3 when i >= 0: fields.Add((fields[i].Name, AnyJsonValue(r))); break;
                case 4 when i >= 0: fields[i] = (PropertyName(r, known), fields[i].Value); break;
                default: fields.Add((PropertyName(r, known), AnyJsonValue(r))); break;
            }
        }
        return fields;
    }

    private static byte[] JsonObject(List<(byte[] Name, byte[] Value)> fields)
    {
        var record = new List<byte> { (byte)'{' };
        for (var f = 0; f < fields.Count; f++)
        {
            if (f > 0)
                record.AddRange(", "u8.ToArray());
            record.AddRange(fields[f].Name);
            record.AddRange(": "u8.ToArray());
            record.AddRange(fields[f].Value);
        }
        record.Add((byte)'}');
        return [.. record];
    }

    /// <summary>Records as a JSON array, NDJSON, one bare object, or an odd container; with or without a BOM.</summary>
    private static byte[] JsonContainer(FuzzRandom r, List<byte[]> records)
    {
        var body = new List<byte>();
        if (r.Chance(0.15))
            body.AddRange([0xEF, 0xBB, 0xBF]);
        switch (r.Weighted((6, 0), (4, 1), (1, 2), (1, 3), (1, 4)))
        {
            case 0: // array
                body.Add((byte)'[');
                for (var i = 0; i < records.Count; i++)
                {
                    if (i > 0)
                        body.AddRange(r.Pick([","u8.ToArray(), ",\r\n"u8.ToArray(), " ,\n\t"u8.ToArray()]));
                    body.AddRange(records[i]);
                }
                if (r.Chance(0.05))
                    body.Add((byte)',');
                body.Add((byte)']');
                break;
            case 1: // NDJSON, blank lines between some records
                foreach (var record in records)
                {
                    body.AddRange(record);
                    body.AddRange(r.Pick(["\n"u8.ToArray(), "\r\n"u8.ToArray(), "\n\n"u8.ToArray(), " \n"u8.ToArray()]));
                }
                break;
            case 2: // one bare object
                body.AddRange(records[0]);
                break;
            case 3: // a scalar, an empty container, or arrays side by side
                body.AddRange(Encoding.UTF8.GetBytes(r.Pick(["[]", "{}", "null", "42", "\"text\"", "[[]]", "[{}]", "[null]", "[1,2]", "[][]", "[{}]{}", " ", ""])));
                break;
            default: // array of arrays
                body.Add((byte)'[');
                body.AddRange(Encoding.UTF8.GetBytes(string.Join(",", records.Select(x => "[" + Encoding.UTF8.GetString(x) + "]"))));
                body.Add((byte)']');
                break;
        }
        return [.. body];
    }

    // ---- whole-body mutations -----------------------------------------------------------------------------------

    /// <summary>1-4 byte-level edits: truncate, flip a bit, insert random or invalid-UTF-8 bytes or NUL, delete or repeat a slice.</summary>
    private static byte[] MutateBytes(FuzzRandom r, byte[] input)
    {
        var body = input.ToList();
        var edits = r.Int(1, 5);
        for (var e = 0; e < edits; e++)
        {
            var at = r.Int(0, body.Count + 1);
            switch (r.Int(0, 8))
            {
                case 0: body.RemoveRange(at, body.Count - at); break;
                case 1 when body.Count > 0: body[Math.Min(at, body.Count - 1)] ^= (byte)(1 << r.Int(0, 8)); break;
                case 2: body.InsertRange(at, Enumerable.Range(0, r.Int(1, 8)).Select(_ => (byte)r.Int(0, 256))); break;
                case 3: body.InsertRange(at, r.Pick(InvalidUtf8)); break;
                case 4: body.InsertRange(at, r.Pick<byte[]>([[0], [0, 0, 0], [0x1B], [0x7F], "\r"u8.ToArray(), "\""u8.ToArray(), "\\"u8.ToArray(), "{"u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), "\n"u8.ToArray()])); break;
                case 5: body.RemoveRange(at, Math.Min(r.Int(1, 64), body.Count - at)); break;
                case 6 when body.Count > 0:
                    var start = r.Int(0, body.Count);
                    var slice = body.GetRange(start, Math.Min(r.Int(1, 200), body.Count - start));
                    body.InsertRange(at, slice);
                    break;
                default: body.InsertRange(at, [0xEF, 0xBB, 0xBF]); break;
            }
        }
        return [.. body];
    }

    /// <summary>A valid-looking body just over <paramref name="limit"/>: the prefix repeated, a tail to close it.</summary>
    private static byte[] Oversize(FuzzRandom r, byte[] prefix, long limit)
    {
        var size = (int)limit + r.Int(1, 200_000);
        var body = new byte[size];
        var filler = prefix.Length == 0 ? " "u8.ToArray() : prefix;
        for (var i = 0; i < size; i += filler.Length)
            Array.Copy(filler, 0, body, i, Math.Min(filler.Length, size - i));
        return body;
    }

    /// <summary>The body's final form: usually as built, sometimes byte-mutated, now and then empty or over the limit.</summary>
    private (byte[] Body, bool Chunked) Finish(FuzzRandom r, byte[] body, long limit)
    {
        body = r.Weighted<Func<FuzzRandom, byte[]>>(
            (70, _ => body),
            (20, x => MutateBytes(x, body)),
            (3, _ => []),
            (4, x => Oversize(x, body, limit)),
            (3, x => body[..x.Int(0, body.Length + 1)]))(r);
        // Megabytes past the limit test nothing more than kilobytes past it, and cost the run its time.
        if (body.Length > limit + 200_000)
            body = body[..(int)(limit + r.Int(1, 200_000))];
        return (body, r.Chance(0.2));
    }

    // ---- content types ------------------------------------------------------------------------------------------

    private static string GarbageHeader(FuzzRandom r)
    {
        var sb = new StringBuilder();
        var n = r.Weighted((5, r.Int(0, 40)), (1, r.Int(40, 4_000)));
        for (var i = 0; i < n; i++)
            sb.Append(r.Weighted((10, (char)r.Int(0x21, 0x7F)), (1, ' '), (1, '\t'), (1, (char)r.Int(0x80, 0x100))));
        return sb.ToString();
    }

    private static string? ContentType(FuzzRandom r, string[] right) => r.Weighted<Func<FuzzRandom, string?>>(
        (60, x => x.Pick(right)),
        (8, x => x.Pick(right) + x.Pick(["; charset=utf-8", ";charset=UTF-8", "; charset=\"utf-8\"", "; charset=iso-8859-1", "; charset=utf-16", "; boundary=x",
            ";", "; ;", "; charset", "; q=0.5", "; a=b; c=d"])),
        (3, x => x.Pick(right).ToUpperInvariant()),
        (3, x => " " + x.Pick(right) + " "),
        (8, x => x.Pick(["text/plain", "application/xml", "text/html", "multipart/form-data; boundary=abc", "application/x-www-form-urlencoded", "application/octet-stream",
            "application/json", "text/csv", "application/graphql", "application/x-ndjson", "application/jsonl", "application/json-seq", "application/csv",
            "application/graphql-response+json", "application/problem+json"])),
        (6, _ => null),
        (6, x => x.Pick(["", " ", "*/*", "/", "application/", "/json", "application//json", ";", "json", "application/json/extra", "text/csv,application/json",
            "application/json\tcharset=utf-8", "application/json; charset=\"unterminated", "applicatión/json"])),
        (6, GarbageHeader))(r);

    // ---- the ingest endpoints -----------------------------------------------------------------------------------

    private static readonly string[] JsonTypes = ["application/json", "application/x-ndjson", "application/jsonl", "application/json-seq"];
    private static readonly string[] CsvTypes = ["text/csv", "application/csv"];

    private FuzzRequest Canonical(FuzzRandom r)
    {
        var records = Enumerable.Range(0, r.Weighted((6, r.Int(1, 6)), (2, r.Int(6, 60)), (1, r.Int(60, 600))))
            .Select(_ => JsonObject(r.Chance(0.6) ? Mutate(r, CanonicalRecord(r), CanonicalFields) : CanonicalRecord(r)))
            .ToList();
        var (body, chunked) = Finish(r, JsonContainer(r, records), _maxIngestBytes);
        return new FuzzRequest("ingest/interactions", "POST", r.Pick(["/ingest/interactions", "/ingest/Interactions", "/ingest/interactions/", "/ingest/interactions?x=1"]),
            ContentType(r, JsonTypes), AcceptHeader(r), body, chunked);
    }

    private FuzzRequest NativeJson(FuzzRandom r, string endpoint, string path, List<(byte[] Name, byte[] Value)>[] seeds, string[] known)
    {
        var records = Enumerable.Range(0, r.Weighted((6, r.Int(1, 6)), (2, r.Int(6, 60)), (1, r.Int(60, 400))))
            .Select(_ => JsonObject(r.Chance(0.6) ? Mutate(r, r.Pick(seeds), known) : r.Pick(seeds)))
            .ToList();
        var (body, chunked) = Finish(r, JsonContainer(r, records), _maxIngestBytes);
        return new FuzzRequest(endpoint, "POST", path, ContentType(r, JsonTypes), AcceptHeader(r), body, chunked);
    }

    private static byte[] CsvField(FuzzRandom r, string plain)
    {
        static string Quote(string t) => "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        return r.Weighted<Func<FuzzRandom, byte[]>>(
            (4, _ => Encoding.UTF8.GetBytes(plain)),
            (2, x => Encoding.UTF8.GetBytes(Quote(AnyCsvText(x)))),
            (2, x => Encoding.UTF8.GetBytes(AnyCsvText(x))),
            (1, x => [.. Encoding.UTF8.GetBytes(ShortText(x)), .. x.Pick(InvalidUtf8)]),
            (1, x => Encoding.UTF8.GetBytes(x.Pick(["\"unclosed", "\"closed\"tail", "a\"b", "\"\"", "\"a\"\"", " \"x\" ", "\"", "\"\r\n", "\"a\nb\""]))))(r);
    }

    private static string AnyCsvText(FuzzRandom r) => r.Weighted<Func<FuzzRandom, string>>(
        (3, NativeText), (3, Email), (3, ShortText), (1, HugeText), (1, _ => "a\r\nb"), (1, _ => "x,y"))(r);

    private FuzzRequest NativeCsv(FuzzRandom r, string endpoint, string path, (string[] Header, string[][] Rows) seed)
    {
        var eol = r.Pick(["\n", "\r\n", "\r"]);
        var body = new List<byte>();
        if (r.Chance(0.2))
            body.AddRange([0xEF, 0xBB, 0xBF]);
        if (r.Chance(0.03))
            body.AddRange([0xEF, 0xBB, 0xBF]);
        var header = seed.Header.ToList();
        if (r.Chance(0.2))
        {
            var i = r.Int(0, header.Count);
            header[i] = r.Weighted((2, header[i].ToUpperInvariant()), (1, "  " + header[i] + " "), (1, "\"" + header[i] + "\""), (1, ShortText(r)), (1, header[i] + "," + header[i]));
        }
        if (r.Chance(0.05))
            header.RemoveAt(r.Int(0, header.Count));
        if (!r.Chance(0.03))
        {
            body.AddRange(Encoding.UTF8.GetBytes(string.Join(",", header)));
            body.AddRange(Encoding.UTF8.GetBytes(eol));
        }
        var rows = r.Weighted((6, r.Int(1, 6)), (2, r.Int(6, 60)), (1, r.Int(60, 600)), (1, 0));
        for (var n = 0; n < rows; n++)
        {
            var fields = r.Pick(seed.Rows).Select(f => Encoding.UTF8.GetBytes(f)).ToList();
            if (r.Chance(0.6))
            {
                var edits = r.Int(1, 4);
                for (var e = 0; e < edits; e++)
                {
                    var i = r.Int(0, fields.Count);
                    switch (r.Int(0, 6))
                    {
                        case 0 when fields.Count > 1: fields.RemoveAt(fields.Count - 1); break;
                        case 1: fields.Add(CsvField(r, "extra")); break;
                        default: fields[i] = CsvField(r, Encoding.UTF8.GetString(fields[i])); break;
                    }
                }
            }
            for (var f = 0; f < fields.Count; f++)
            {
                if (f > 0)
                    body.Add((byte)',');
                body.AddRange(fields[f]);
            }
            body.AddRange(Encoding.UTF8.GetBytes(r.Chance(0.1) ? eol + eol : eol));
        }
        var (bytes, chunked) = Finish(r, [.. body], _maxIngestBytes);
        return new FuzzRequest(endpoint, "POST", path, ContentType(r, CsvTypes), AcceptHeader(r), bytes, chunked);
    }

    private FuzzRequest UnknownIngest(FuzzRandom r)
    {
        var name = r.Weighted<Func<FuzzRandom, string>>(
            (3, x => new string([.. Enumerable.Range(0, x.Int(1, 20)).Select(_ => (char)x.Int('a', 'z' + 1))])),
            (2, x => x.Pick(["fax", "sms", "e-mail", "telefone", "whats", "e_mail", "interaction", "interactionsx", "canonical", "%20phone", "phone%00", "%FF%FE", "%C3%A7",
                "a%2Fb", "..%2F..%2Fgraphql", "phone.csv", "phone;x", "%", "%zz", "..", ".", "phone%20"])),
            (1, x => Uri.EscapeDataString(ShortText(x))),
            (1, x => new string('a', x.Int(100, 4_000))))(r);
        var body = r.Chance(0.5) ? Encoding.UTF8.GetBytes("[{\"customer\":\"a@b.com\",\"channel\":\"PHONE\",\"startedAt\":\"2019-01-01T00:00:00Z\"}]") : MutateBytes(r, "a,b\n1,2\n"u8.ToArray());
        return new FuzzRequest("ingest/unknown", "POST", "/ingest/" + name, ContentType(r, [.. JsonTypes, .. CsvTypes]), AcceptHeader(r), body, r.Chance(0.2));
    }

    // ---- GraphQL --------------------------------------------------------------------------------------------------

    private static readonly string[] ValidQueries =
    [
        "{ customer(id: \"crisf@email.com\") { contactsLast24h interactionCounts { channel count } } }",
        "{ customer(id: \" PauloRodrigues@Email.com \") { id name phones interactionCounts { channel count } lastInteraction { channel startedAt agent status } } }",
        "{ customer(id: \"7199999999\") { id interactions(first: 2) { totalCount nodes { channel startedAt endedAt } pageInfo { hasNextPage endCursor } } } }",
        "{ customer(id: \"crisf@email.com\") { contactsLast24h(asOf: \"2019-10-12T00:00:00Z\") contactCount(since: \"2019-01-01T00:00:00Z\", until: \"2019-12-31T23:59:59Z\", channel: CHAT) } }",
        "{ contactCounts(since: \"2019-10-01T00:00:00Z\", until: \"2019-11-01T00:00:00Z\") { totalCount nodes { customerId contacts } } }",
        "{ customers(first: 2) { totalCount nodes { id totalContacts lastInteraction { channel } } pageInfo { hasNextPage endCursor } } }",
        "{ customer(id: \"x@y.z\") { id }  a: customer(id: \"crisf@email.com\") { interactions(first: 0) { totalCount } } }",
        "query Q($id: String!) { customer(id: $id) { id email name phones firstContactAt totalContacts } }",
        "query Q($id: String!, $first: Int, $after: String, $channel: Channel) { customer(id: $id) { interactions(first: $first, after: $after, channel: $channel) { totalCount nodes { channel startedAt } pageInfo { endCursor } } } }",
        "query C($since: DateTime, $until: DateTime, $channel: Channel, $first: Int, $after: String) { contactCounts(since: $since, until: $until, channel: $channel, first: $first, after: $after) { totalCount nodes { customerId contacts } pageInfo { hasNextPage endCursor } } }",
        "query L($first: Int, $after: String) { customers(first: $first, after: $after) { nodes { id interactions(first: 100) { nodes { channel } } } } }",
        "{ __typename }",
        "{ __schema { queryType { name } types { name kind } } }",
        "query A { __typename } query B { customers { totalCount } }",
        "fragment F on Customer { id name } { customer(id: \"lreis@email.com\") { ...F } }",
        "{ customers(first: 100) { nodes { interactions(first: 100) { nodes { channel startedAt endedAt agent status queue classification subClassification feedbackScore } } } } }",
    ];

    private static string GraphQLValue(FuzzRandom r) => r.Weighted<Func<FuzzRandom, string>>(
        (3, x => Encoding.UTF8.GetString(JsonString(Email(x)))),
        (2, x => Encoding.UTF8.GetString(JsonString(IsoTime(x)))),
        (2, x => x.Pick(["0", "-1", "101", "100", "1", "2147483648", "1e400", "1.5", "true", "null", "PHONE", "FAX", "[]", "{}", "[1]", "{a: 1}", "$undefined", "\"\"\"block\"\"\""])),
        (1, x => Encoding.UTF8.GetString(JsonString(ShortText(x)))),
        (1, x => new string('[', x.Int(1, 3_000)) + new string(']', x.Int(0, 3_000))))(r);

    /// <summary>A document: a valid one, a mutated one, many aliases, deep selections or values, fragments that multiply.</summary>
    private static string GraphQLDocument(FuzzRandom r) => r.Weighted<Func<FuzzRandom, string>>(
        (30, x => x.Pick(ValidQueries)),
        (10, x => $"{{ customer(id: {GraphQLValue(x)}) {{ id contactCount(since: {GraphQLValue(x)}, channel: {x.Pick(["CHAT", "PHONE", "FAX", "\"CHAT\"", "null"])}) interactions(first: {GraphQLValue(x)}, after: {GraphQLValue(x)}) {{ totalCount }} }} }}"),
        (12, x => Encoding.UTF8.GetString(MutateBytes(x, Encoding.UTF8.GetBytes(x.Pick(ValidQueries))))),
        (8, x => "{ " + string.Concat(Enumerable.Range(0, x.Weighted((3, x.Int(1, 100)), (2, x.Int(100, 2_500)))).Select(i =>
            x.Chance(0.5) ? $"a{i}: customer(id: \"{x.Pick(CustomerPool)}\") {{ id totalContacts }} " : $"a{i}: __typename ")) + "}"),
        (5, x =>
        {
            var depth = x.Weighted((3, x.Int(1, 40)), (1, x.Int(40, 3_000)));
            return "{ __schema { types { " + string.Concat(Enumerable.Repeat("fields { type { ", depth)) + "name" + string.Concat(Enumerable.Repeat(" } }", depth)) + " } } }";
        }),
        (3, x => new string('{', x.Int(1, 5_000)) + "id" + new string('}', x.Int(0, 5_000))),
        (3, x =>
        {
            // Each fragment uses the next one twice: 2^n selections from a few lines.
            var n = x.Int(2, 40);
            var sb = new StringBuilder("{ customer(id: \"crisf@email.com\") { ...F0 } }\n");
            for (var i = 0; i < n; i++)
                sb.Append(CultureInfo.InvariantCulture, $"fragment F{i} on Customer {{ id {(i + 1 < n ? $"...F{i + 1} ...F{i + 1}" : "name")} }}\n");
            return sb.ToString();
        }),
        (2, x => x.Pick(["fragment A on Customer { ...B } fragment B on Customer { ...A } { customer(id: \"a@b.c\") { ...A } }",
            "{ customer(id: \"a@b.c\") { ... on Customer { ... on Customer { ... on Customer { id } } } } }",
            "query Q($id: String! = 1) { customer(id: $id) { id } }", "query ($a: [[[[[String]]]]]) { __typename }", "subscription { x }", "mutation { x }",
            "{ customer(id: \"a\") @skip(if: true) { id } }", "{ customer(id: \"a\") @include(if: $x) { id } }", "{ __type(name: \"Customer\") { fields { name } } }",
            "query { customer(id: \"\\u0000\") { id } }", "{ customer(id: \"\\uD800\") { id } }", "#" + new string('x', 10_000), "", " ", "\u0000", "{", "}", "query", "{ }"])),
        (2, x => ShortText(x)),
        (1, x => "{ customer(id: \"" + HugeText(x).Replace("\\", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal) + "\") { id } }"))(r);

    private static string VariablesJson(FuzzRandom r) => r.Weighted<Func<FuzzRandom, string>>(
        (6, x => $"{{\"id\": {Encoding.UTF8.GetString(JsonString(Email(x)))}, \"first\": {x.Pick(["1", "20", "100", "0", "-5", "101", "2147483648", "1.5", "\"3\"", "null"])}, " +
            $"\"channel\": {x.Pick(["\"CHAT\"", "\"chat\"", "\"FAX\"", "1", "null", "[\"CHAT\"]"])}, \"since\": {Encoding.UTF8.GetString(JsonString(IsoTime(x)))}, " +
            $"\"after\": {x.Pick(["null", "\"\"", "\"garbage\"", "\"dWpvYW5hYkBlbWFpbC5jb20\"", "\"aQjXRVNmeKgAZTBiOGQ2ZTA2Y2FlZmViMzU0NjQyNGQzZWZkYjlkZTM\"", "\"====\"", "\"%%%\"", "5"])}}}"),
        (2, x => x.Pick(["null", "{}", "[]", "\"{}\"", "42", "true", "{\"id\": {\"nested\": [1, 2, {\"x\": null}]}}", "{\"id\": null}", "{\"id\": 7199999999}", "{\"\": 1}"])),
        (1, x => Encoding.UTF8.GetString(Nested(x))),
        (1, x => "{\"id\": " + Encoding.UTF8.GetString(AnyJsonValue(x)) + "}"))(r);

    private static string? AcceptHeader(FuzzRandom r) => r.Weighted<Func<FuzzRandom, string?>>(
        (5, _ => null),
        (3, _ => "application/json"),
        (3, _ => "application/graphql-response+json"),
        (2, x => x.Pick(["application/graphql-response+json, application/json;q=0.9", "application/json, application/graphql-response+json;q=0.5", "*/*",
            "application/*", "text/plain", "application/graphql-response+json;q=0", "application/json;q=abc", ",,,", "application/graphql-response+json; charset=utf-8"])),
        (1, GarbageHeader))(r);

    private FuzzRequest GraphQLPost(FuzzRandom r)
    {
        var document = GraphQLDocument(r);
        var raw = r.Chance(0.1); // application/graphql: the body is the document
        byte[] body;
        if (raw)
        {
            body = Encoding.UTF8.GetBytes(document);
        }
        else
        {
            var parts = new List<string>();
            parts.Add("\"query\": " + r.Weighted((12, Encoding.UTF8.GetString(JsonString(document))), (1, "null"), (1, "42"), (1, "[\"{ __typename }\"]"), (1, "{\"q\": 1}")));
            if (r.Chance(0.5))
                parts.Add("\"variables\": " + VariablesJson(r));
            if (r.Chance(0.2))
                parts.Add("\"operationName\": " + r.Pick(["\"Q\"", "\"A\"", "\"B\"", "\"Nope\"", "null", "1", "\"\"", "[]"]));
            if (r.Chance(0.1))
                parts.Add("\"extensions\": " + r.Pick(["{}", "null", "1", "{\"persistedQuery\": {\"version\": 1, \"sha256Hash\": \"abc\"}}", "[]"]));
            if (r.Chance(0.05))
                parts.Add("\"query\": \"{ __typename }\"");
            if (r.Chance(0.05))
                parts.RemoveAt(0);
            body = Encoding.UTF8.GetBytes(r.Weighted((20, "{" + string.Join(", ", parts) + "}"), (1, "[{" + string.Join(", ", parts) + "}]"), (1, "\"{ __typename }\"")));
        }
        var (bytes, chunked) = Finish(r, body, _maxGraphQLBytes);
        var contentType = r.Chance(0.85) ? (raw ? "application/graphql" : "application/json") : ContentType(r, raw ? ["application/graphql"] : ["application/json"]);
        return new FuzzRequest("graphql POST", "POST", r.Pick(["/graphql", "/graphql", "/graphql/", "/GraphQL"]), contentType, AcceptHeader(r), bytes, chunked);
    }

    /// <summary>
    /// GET /graphql?query=…: the URL is kept under 7,000 characters. Kestrel answers a longer request line with 414 (its
    /// 8 KiB transport limit, which no application code sees), not a status this run is about.
    /// </summary>
    private static FuzzRequest GraphQLGet(FuzzRandom r)
    {
        var query = GraphQLDocument(r);
        var encoded = r.Weighted((8, Uri.EscapeDataString(query)), (1, query.Replace(" ", "+", StringComparison.Ordinal)), (1, Encoding.UTF8.GetString(MutateBytes(r, Encoding.UTF8.GetBytes(Uri.EscapeDataString(query))))));
        var target = new StringBuilder("/graphql?query=").Append(encoded);
        if (r.Chance(0.4))
            target.Append("&variables=").Append(r.Chance(0.9) ? Uri.EscapeDataString(VariablesJson(r)) : r.Pick(["%7B", "%FF%FE", "%", "{bad", "%7B%7D"]));
        if (r.Chance(0.15))
            target.Append("&operationName=").Append(r.Pick(["Q", "A", "B", "Nope", "", "%00"]));
        if (r.Chance(0.05))
            target.Append("&query=").Append(Uri.EscapeDataString(r.Pick(ValidQueries)));
        var url = target.ToString();
        url = url.Length <= 7_000 ? url : url[..7_000];
        // A cut may leave a lone '%' or '%X' at the end: also a valid fuzz input (Kestrel keeps it as text).
        var accept = r.Chance(0.05) ? "text/html" : AcceptHeader(r);
        return new FuzzRequest("graphql GET", "GET", r.Chance(0.05) ? url.Replace("?query=", "?", StringComparison.Ordinal) : url, null, accept, [], false);
    }

    private static FuzzRequest Health(FuzzRandom r) =>
        new("health", "GET", r.Pick(["/health/live", "/health/ready", "/health", "/health/live?x=%FF", "/health/"]), null, AcceptHeader(r), [], false);

    private static FuzzRequest WrongMethod(FuzzRandom r) => r.Chance(0.7)
        ? new("wrong method", r.Pick(["GET", "PUT", "DELETE", "PATCH"]), r.Pick(["/ingest/interactions", "/ingest/phone", "/ingest/email"]), null, null, [], false)
        : new("wrong method", r.Pick(["PUT", "DELETE", "PATCH"]), r.Pick(["/graphql", "/health/live"]), "application/json", null, "{\"query\": \"{ __typename }\"}"u8.ToArray(), false);

    // ---- the seed exports ---------------------------------------------------------------------------------------

    private static List<(byte[] Name, byte[] Value)>[] SeedJsonRecords(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(SeedExports.PathOf(file)));
        return [.. doc.RootElement.EnumerateArray().Select(record => record.EnumerateObject()
            .Select(p => (JsonString(p.Name), Encoding.UTF8.GetBytes(p.Value.GetRawText()))).ToList())];
    }

    private static (string[] Header, string[][] Rows) SeedCsv(string file)
    {
        var lines = File.ReadAllLines(SeedExports.PathOf(file)).Where(l => l.Length > 0).ToArray();
        return (lines[0].Split(','), [.. lines[1..].Select(l => l.Split(','))]);
    }
}
