using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace CxActors.Ingest.Tests;

/// <summary>
/// Generators of export bodies: records start from the seed exports' shapes (shared/seed-datasets) and are
/// mutated field by field towards the edges: extreme dates and durations, huge and odd numbers, wrong types,
/// nesting, strings up to ~100 KB, control characters, invalid UTF-8 and unpaired surrogates, missing and
/// unknown fields.
/// </summary>
internal static class FuzzGenerators
{
    // ---- text -----------------------------------------------------------------------------------------------

    /// <summary>Characters that break things: controls, separators, quotes, surrogates (paired or not), BOM, U+FFFD, non-ASCII.</summary>
    private static readonly Gen<char> NastyChar = Gen.Frequency(
        (6, Gen.Char['a', 'z']),
        (2, Gen.Char['0', '9']),
        (2, Gen.OneOf(' ', '\t', '\r', '\n', ',', '"', '\'', '\\', '/', ':', '@', '.', '-', ';', '{', '[')),
        (1, Gen.Char['\0', '\u001F']),
        (1, Gen.OneOf('\u007F', '\u0085', '\u00A0', '\u2028', '\uFEFF', '\uFFFD', '\uFFFF', 'é', 'ã', 'Ç', 'ß', 'İ')),
        (1, Gen.Char['\uD800', '\uDFFF']));

    private static readonly Gen<string> ShortText = NastyChar.Array[0, 24].Select(c => new string(c));

    /// <summary>Up to ~100 KB: a repeated pattern (cheap to make, as hard to parse as any).</summary>
    private static readonly Gen<string> LongText =
        Gen.Select(ShortText, Gen.Int[100, 100_000], (pattern, length) =>
        {
            if (pattern.Length == 0)
                pattern = "x";
            var sb = new StringBuilder(length + pattern.Length);
            while (sb.Length < length)
                sb.Append(pattern);
            return sb.ToString();
        });

    private static Gen<string> Digits(int min, int max) => Gen.Char['0', '9'].Array[min, max].Select(c => new string(c));

    private static Gen<string> Year => Gen.Frequency(
        (4, Gen.Int[2015, 2030].Select(y => y.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.OneOf("9990", "9999", "0001", "0000", "1900", "2099", "10000", "19", "99", "00", "019", "")),
        (1, Gen.Int[0, 9999].Select(y => y.ToString("D4", CultureInfo.InvariantCulture))));

    private static Gen<string> DayOrMonth => Gen.Frequency(
        (4, Gen.Int[1, 12].Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.Int[0, 32].Select(n => n.ToString("D2", CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("29", "31", "-1", "123", "", " 1")));

    private static Gen<string> Time => Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, 23], Gen.Int[0, 59], Gen.Int[0, 59], (h, m, s) => $"{h}:{m:D2}:{s:D2}")),
        (2, Gen.Select(Gen.Int[0, 23], Gen.Int[0, 59], (h, m) => $"{h:D2}:{m:D2}")),
        (1, Gen.OneOf("24:00", "23:59:59", "0:0", "00:60", "12:30:60", "-1:00", "99999:00", "", "00:30")));

    /// <summary>M/d/yyyy-like dates with either order, extreme and impossible parts.</summary>
    private static Gen<string> SlashDate => Gen.Select(DayOrMonth, DayOrMonth, Year, (a, b, y) => $"{a}/{b}/{y}");

    private static Gen<string> SlashDateTime => Gen.Frequency(
        (5, Gen.Select(SlashDate, Time, (d, t) => $"{d} {t}")),
        (1, Gen.OneOf("31/12/9999 23:00", "01/01/0001 00:00", "12/31/9999 23:59", "04/11/2018 00:30", "16/02/2019 23:30",
            "11/04/2018 00:30", "2/29/19 10:00", " 08/21/19 08:55 ", "1/1/1 1:1")));

    private static Gen<string> IsoDateTime => Gen.Frequency(
        (4, Gen.Select(Gen.Int[1, 9999], Gen.Int[1, 12], Gen.Int[1, 28], Time, Gen.OneOf("Z", "z", "-03:00", "+14:00", "-14:00", "+00:00", "", "-23:59", ".1234567Z", ".9999999-03:00"),
            (y, mo, d, t, offset) => $"{y:D4}-{mo:D2}-{d:D2}T{(t.Length == 0 ? "00:00" : t)}{offset}")),
        (1, Gen.OneOf("9999-12-31T23:59:59-03:00", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59.9999999Z", "0001-01-01T00:00:00Z",
            "2019-08-01T08:15:27", "2019-08-01", "2023-02-29T09:00:19Z", "2019-08-01T08:15:27+99:99", "2019-08-01T08:15:27Z ", "")));

    private static Gen<string> Duration => Gen.Frequency(
        (4, Gen.Select(Gen.Int[0, 99], Gen.Int[0, 59], Gen.Int[0, 59], (h, m, s) => $"{h:D2}:{m:D2}:{s:D2}")),
        (2, Gen.OneOf("596522:00:00", "596523:00:00", "596524:00:00", "-0:01:00", "99999999999:00:00", "00:60:00", "1:53", "0:00:00", " 38:00:00 ", "")),
        (1, Gen.Select(Digits(1, 25), Gen.Int[0, 99], Gen.Int[0, 99], (h, m, s) => $"{h}:{m:D2}:{s:D2}")));

    private static Gen<string> Email => Gen.Frequency(
        (4, Gen.Select(Gen.Char['a', 'z'].Array[1, 12], Gen.OneOf("email.com", "x.com.br", "Email.COM"), (l, d) => $"{new string(l)}@{d}")),
        (1, Gen.OneOf("", " ", "a@@x.com", "a b@x.com", "a@x", "@x.com", "a@.x.com", "a@x..com", "a\u0001@x.com", " Paulo@Email.COM ",
            new string('a', 248) + "@b.com", new string('a', 249) + "@b.com")),
        (1, Gen.Select(ShortText, ShortText, (l, d) => $"{l}@{d}")));

    /// <summary>Text of any kind a field may be given in a string.</summary>
    public static Gen<string> AnyText => Gen.Frequency(
        (3, ShortText),
        (2, SlashDateTime),
        (1, SlashDate),
        (1, Time),
        (2, IsoDateTime),
        (2, Duration),
        (2, Email),
        (1, Digits(1, 40)),
        (1, LongText),
        (1, Gen.OneOf("PHONE", "ura", "Chat", "WHATSAPP", "e-mail", "FAX", "Sim", "Não", "nao", "NaN", "Infinity", "-0", "1e400")));

    // ---- JSON values ----------------------------------------------------------------------------------------

    /// <summary>A JSON string: quotes, backslashes and controls escaped; every surrogate escaped, so unpaired ones stay legal JSON.</summary>
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

    /// <summary>A JSON string holding bytes that are not UTF-8 (lone continuation bytes, truncated sequences, encoded surrogates).</summary>
    private static readonly Gen<byte[]> InvalidUtf8String =
        Gen.Select(ShortText, Gen.OneOf<byte[]>([0x80], [0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]), ShortText,
            (a, bad, b) => (byte[])[.. JsonString(a)[..^1], .. bad, .. JsonString(b)[1..]]);

    private static Gen<string> JsonNumber => Gen.Frequency(
        (3, Gen.Int[-20, 20].Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (2, Gen.OneOf("0", "-0", "10.0", "4.5", "1e400", "-1e400", "1E2", "7.1e9", "2147483647", "2147483648", "-2147483649",
            "99999999999999999999999999999999", "7199999999", "0.0000000000000000000000000001", "1e-400")),
        (1, Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (1, Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture))),
        (1, Gen.Select(Gen.Char['1', '9'], Digits(0, 4999), (first, rest) => first + rest))); // JSON allows no leading zero

    private static Gen<byte[]> Nested => Gen.Frequency(
        (2, Gen.OneOf("{}", "[]", "[1, 2]", """{"a": {"b": "c"}}""", """["x"]""", "[null]")),
        (1, Gen.Int[1, 120].Select(depth => new string('[', depth) + new string(']', depth))),
        (1, Gen.Int[1, 120].Select(depth => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth))))
        .Select(Encoding.UTF8.GetBytes);

    public static Gen<byte[]> AnyJsonValue => Gen.Frequency(
        (8, AnyText.Select(JsonString)),
        (3, JsonNumber.Select(Encoding.UTF8.GetBytes)),
        (1, Gen.OneOf("true", "false", "null").Select(Encoding.UTF8.GetBytes)),
        (2, Nested),
        (1, InvalidUtf8String));

    /// <summary>A property name: a known one (exact or loosely spelt), an unknown one, or one that is not valid text.</summary>
    private static Gen<byte[]> PropertyName(string[] known) => Gen.Frequency(
        (4, Gen.OneOf(known).Select(JsonString)),
        (2, Gen.Select(Gen.OneOf(known), Gen.Int[0, 3], (k, how) => JsonString(how switch
        {
            0 => k.ToUpperInvariant(),
            1 => $"  {k.ToLowerInvariant()} ",
            2 => k.Replace('á', 'a').Replace('ç', 'c'),
            _ => k + "x",
        }))),
        (1, ShortText.Select(JsonString)),
        (1, InvalidUtf8String),
        (1, LongText.Select(JsonString)));

    // ---- JSON records and bodies ----------------------------------------------------------------------------

    /// <summary>The seed file's records as (name, JSON value) pairs, in file order.</summary>
    public static List<(byte[] Name, byte[] Value)>[] SeedJsonRecords(string seed)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(TestSupport.SeedFile(seed)));
        return [.. doc.RootElement.EnumerateArray().Select(r => r.EnumerateObject()
            .Select(p => (JsonString(p.Name), Encoding.UTF8.GetBytes(p.Value.GetRawText()))).ToList())];
    }

    private enum Mutation { Replace, Remove, Add, Rename }

    private static readonly Gen<Mutation> Mutations = Gen.Frequency(
        (5, Gen.Const(Mutation.Replace)), (2, Gen.Const(Mutation.Remove)), (2, Gen.Const(Mutation.Add)), (1, Gen.Const(Mutation.Rename)));

    /// <summary>A seed record with 0-3 mutations.</summary>
    private static Gen<byte[]> JsonRecord(List<(byte[] Name, byte[] Value)>[] seeds, string[] known) =>
        Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Select(Mutations, Gen.Int[0, 63], AnyJsonValue, PropertyName(known)).Array[0, 3],
            (which, mutations) =>
            {
                var fields = seeds[which].ToList();
                foreach (var (mutation, at, value, name) in mutations)
                {
                    var i = fields.Count == 0 ? -1 : at % fields.Count;
                    switch (mutation)
                    {
                        case Mutation.Replace when i >= 0: fields[i] = (fields[i].Name, value); break;
                        case Mutation.Remove when i >= 0: fields.RemoveAt(i); break;
                        case Mutation.Rename when i >= 0: fields[i] = (name, fields[i].Value); break;
                        default: fields.Add((name, value)); break;
                    }
                }
                var record = new List<byte>();
                record.Add((byte)'{');
                for (var f = 0; f < fields.Count; f++)
                {
                    if (f > 0)
                        record.AddRange(", "u8.ToArray());
                    record.AddRange(fields[f].Name);
                    record.AddRange(": "u8.ToArray());
                    record.AddRange(fields[f].Value);
                }
                record.Add((byte)'}');
                return record.ToArray();
            });

    /// <summary>1-6 records as a JSON array or NDJSON (with or without a BOM), and a read size.</summary>
    public static Gen<FuzzInput> JsonBodies(List<(byte[] Name, byte[] Value)>[] seeds, string[] known) =>
        Gen.Select(JsonRecord(seeds, known).Array[1, 6], Gen.Bool, Gen.Bool, ReadSize, (records, array, bom, readSize) =>
        {
            var body = new List<byte>();
            if (bom)
                body.AddRange([0xEF, 0xBB, 0xBF]);
            if (array)
                body.Add((byte)'[');
            for (var r = 0; r < records.Length; r++)
            {
                if (r > 0)
                    body.AddRange(array ? ",\r\n"u8.ToArray() : "\n"u8.ToArray());
                body.AddRange(records[r]);
            }
            if (array)
                body.Add((byte)']');
            return new FuzzInput(body.ToArray(), records.Length, readSize);
        });

    private static readonly Gen<int> ReadSize = Gen.Frequency((3, Gen.Const(int.MaxValue)), (1, Gen.Const(1)), (2, Gen.Int[2, 5000]));

    // ---- CSV ------------------------------------------------------------------------------------------------

    /// <summary>A CSV field as written: plain, quoted (doubled quotes), or with invalid UTF-8 or a stray quote.</summary>
    private static Gen<byte[]> CsvField => Gen.Frequency(
        (6, AnyText.Select(t => Encoding.UTF8.GetBytes(t.Contains(',') || t.Contains('"') || t.Contains('\n') || t.Contains('\r')
            ? "\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : t))),
        (2, AnyText.Select(t => Encoding.UTF8.GetBytes("\"" + t.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""))),
        (1, InvalidUtf8String.Select(b => b[1..^1])),
        (1, Gen.OneOf("\"unclosed", "\"closed\"tail", "a\"b", "\"\"", "\"a\"\"", " \"x\" ").Select(Encoding.UTF8.GetBytes)));

    /// <summary>The seed CSV: its header's names and its rows' fields (the seeds have no quoted fields).</summary>
    public static (string[] Header, string[][] Rows) SeedCsv(string seed)
    {
        var lines = File.ReadAllLines(TestSupport.SeedFile(seed)).Where(l => l.Length > 0).ToArray();
        return (lines[0].Split(','), [.. lines[1..].Select(l => l.Split(','))]);
    }

    /// <summary>Seed rows, fields replaced, dropped or added; LF or CRLF; a BOM or not; blank lines between some rows.</summary>
    public static Gen<FuzzInput> CsvBodies(string[] header, string[][] rows) =>
        Gen.Select(
            Gen.Select(Gen.Int[0, rows.Length - 1], Gen.Select(Mutations, Gen.Int[0, 63], CsvField).Array[0, 3], Gen.Bool).Array[1, 6],
            Gen.Bool, Gen.Bool, ReadSize,
            (picked, crlf, bom, readSize) =>
            {
                var eol = crlf ? "\r\n"u8.ToArray() : "\n"u8.ToArray();
                var body = new List<byte>();
                if (bom)
                    body.AddRange([0xEF, 0xBB, 0xBF]);
                body.AddRange(Encoding.UTF8.GetBytes(string.Join(",", header)));
                foreach (var (which, mutations, blankBefore) in picked)
                {
                    body.AddRange(eol);
                    if (blankBefore)
                        body.AddRange(eol);
                    var fields = rows[which].Select(Encoding.UTF8.GetBytes).ToList();
                    foreach (var (mutation, at, value) in mutations)
                    {
                        var i = at % fields.Count;
                        switch (mutation)
                        {
                            case Mutation.Remove when fields.Count > 1: fields.RemoveAt(fields.Count - 1); break;
                            case Mutation.Add: fields.Add(value); break;
                            default: fields[i] = value; break;
                        }
                    }
                    for (var f = 0; f < fields.Count; f++)
                    {
                        if (f > 0)
                            body.Add((byte)',');
                        body.AddRange(fields[f]);
                    }
                }
                body.AddRange(eol);
                return new FuzzInput(body.ToArray(), picked.Length, readSize);
            });
}
