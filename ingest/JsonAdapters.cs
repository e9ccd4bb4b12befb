using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CxActors.Ingest;

/// <summary>
/// Maps one JSON object to a draft. The object's properties are matched once against the adapter's field list
/// (UTF-8 byte comparison, no per-property strings in the common case) into slots the adapter then reads.
/// An instance holds per-record scratch state: one per body.
/// </summary>
internal abstract class JsonAdapter
{
    private readonly byte[][] _utf8Names;
    private readonly Dictionary<string, int>? _folded;
    private readonly JsonElement[] _slots;

    /// <param name="fields">Property names, in slot order.</param>
    /// <param name="lenientNames">Also match names ignoring case, diacritics and stray spaces (exports are hand-made).</param>
    /// <param name="lenientText">Accept numbers and booleans where text is expected (exports are loosely typed).</param>
    protected JsonAdapter(string[] fields, bool lenientNames, bool lenientText)
    {
        Props = fields;
        LenientText = lenientText;
        _utf8Names = [.. fields.Select(Encoding.UTF8.GetBytes)];
        _slots = new JsonElement[fields.Length];
        if (lenientNames)
        {
            _folded = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < fields.Length; i++)
                _folded.TryAdd(Fields.FoldName(fields[i]), i);
        }
    }

    protected string[] Props { get; }

    private bool LenientText { get; }

    public InteractionDraft? Map(JsonElement obj, RecordContext ctx)
    {
        ctx.Reset();
        try
        {
            foreach (var property in obj.EnumerateObject())
            {
                var slot = Find(property);
                if (slot >= 0)
                    _slots[slot] = property.Value;
            }
            return Build(ctx);
        }
        finally
        {
            // Do not keep the disposed document reachable through the slots.
            Array.Clear(_slots);
        }
    }

    protected abstract InteractionDraft? Build(RecordContext ctx);

    /// <summary>The property's slot, or -1. A name that is not valid Unicode (see <see cref="TryGetString"/>) is none of ours.</summary>
    private int Find(JsonProperty property)
    {
        try
        {
            return FindSlot(property);
        }
        catch (InvalidOperationException)
        {
            return -1;
        }
    }

    private int FindSlot(JsonProperty property)
    {
        for (var i = 0; i < _utf8Names.Length; i++)
        {
            if (property.NameEquals(_utf8Names[i]))
                return i;
        }
        if (_folded is null)
            return -1;
        // Exports repeat the same few extra or oddly spelt names on every record: fold each once, then
        // recognise it by its bytes (bounded, so a body of random names cannot grow it without limit).
        foreach (var (name, known) in _learned)
        {
            if (property.NameEquals(name))
                return known;
        }
        var text = property.Name;
        var slot = _folded.TryGetValue(Fields.FoldName(text), out var found) ? found : -1;
        if (_learned.Count < MaxLearnedNames)
            _learned.Add((Encoding.UTF8.GetBytes(text), slot));
        return slot;
    }

    private const int MaxLearnedNames = 32;
    private readonly List<(byte[] Name, int Slot)> _learned = [];

    protected JsonElement Slot(int i) => _slots[i];

    protected static bool IsAbsent(JsonElement e) => e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null;

    /// <summary>Absent, null, or a blank string: a required field that is "missing".</summary>
    protected bool IsBlank(int i) =>
        IsAbsent(_slots[i]) || (_slots[i].ValueKind == JsonValueKind.String && TryGetString(_slots[i], out var s) && string.IsNullOrWhiteSpace(s));

    /// <summary>
    /// The string's text, or false when it is not valid Unicode: System.Text.Json reads such strings without
    /// complaint and only throws when asked for their text (invalid UTF-8, or an escaped unpaired surrogate
    /// such as <c>\ud800</c>). Rare enough that an exception is fine; it must not fail the whole body.
    /// </summary>
    private static bool TryGetString(JsonElement e, out string? s)
    {
        try
        {
            s = e.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            s = null;
            return false;
        }
    }

    /// <summary>The slot's string (it must be one), or null with a failure when it is not valid Unicode.</summary>
    private string? String(int i, RecordContext ctx)
    {
        if (TryGetString(_slots[i], out var s))
            return s;
        ctx.Fail(Props[i], InvalidText);
        return null;
    }

    internal const string InvalidText = "not valid Unicode text (invalid UTF-8, or an unpaired surrogate escape)";

    /// <summary>Trimmed text, null when absent or empty; numbers and booleans as written when lenient.</summary>
    protected string? Text(int i, RecordContext ctx)
    {
        var e = _slots[i];
        switch (e.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return Fields.Clean(String(i, ctx));
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False when LenientText:
                return e.GetRawText();
            default:
                WrongType(i, "a string", e, ctx);
                return null;
        }
    }

    /// <summary>A string or a number, as written (a source id or a phone number).</summary>
    protected string? StringOrNumber(int i, RecordContext ctx)
    {
        var e = _slots[i];
        switch (e.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String:
                return String(i, ctx);
            case JsonValueKind.Number:
                return e.GetRawText();
            default:
                WrongType(i, "a string or a number", e, ctx);
                return null;
        }
    }

    /// <summary>A phone as a string or a whole JSON number (7199999999), in E.164; null when absent.</summary>
    protected string? PhoneNumber(int i, RecordContext ctx)
    {
        var e = _slots[i];
        if (e.ValueKind != JsonValueKind.Number)
            return ctx.Phone(Props[i], StringOrNumber(i, ctx));
        var raw = e.GetRawText();
        if (raw.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            ctx.Fail(Props[i], $"{Echo.Bare(raw)} is not a phone number");
            return null;
        }
        return ctx.Phone(Props[i], raw);
    }

    /// <summary>An integral number (7 or 7.0); a numeric string too when <paramref name="allowString"/>.</summary>
    protected int? Integer(int i, RecordContext ctx, bool allowString, int min = int.MinValue)
    {
        var e = _slots[i];
        decimal value;
        switch (e.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.Number:
                if (!e.TryGetDecimal(out value))
                {
                    ctx.Fail(Props[i], $"{Echo.Bare(e.GetRawText())} is not an integer");
                    return null;
                }
                break;
            case JsonValueKind.String when allowString:
                if (!TryGetString(e, out var text))
                {
                    ctx.Fail(Props[i], InvalidText);
                    return null;
                }
                var s = text.AsSpan().Trim();
                if (s.IsEmpty)
                    return null;
                if (!decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
                {
                    ctx.Fail(Props[i], $"{Echo.Quote(s)} is not a number");
                    return null;
                }
                break;
            default:
                WrongType(i, allowString ? "a number or a numeric string" : "a number", e, ctx);
                return null;
        }
        if (value != decimal.Truncate(value) || value < int.MinValue || value > int.MaxValue)
        {
            ctx.Fail(Props[i], $"{value.ToString(CultureInfo.InvariantCulture)} is not an integer");
            return null;
        }
        var n = (int)value;
        if (n < min)
        {
            ctx.Fail(Props[i], $"{n} must be at least {min}");
            return null;
        }
        return n;
    }

    /// <summary>A string for a parser (date, duration); null when absent.</summary>
    protected string? RawString(int i, RecordContext ctx)
    {
        var e = _slots[i];
        if (IsAbsent(e))
            return null;
        if (e.ValueKind == JsonValueKind.String)
            return String(i, ctx);
        WrongType(i, "a string", e, ctx);
        return null;
    }

    private void WrongType(int i, string expected, JsonElement e, RecordContext ctx) =>
        ctx.Fail(Props[i], $"expected {expected}, got {Kind(e.ValueKind)}");

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => kind.ToString(),
    };
}

/// <summary>The canonical API shape: camelCase names, ISO-8601 times with an explicit offset.</summary>
internal sealed class CanonicalAdapter() : JsonAdapter(
    ["customer", "channel", "startedAt", "id", "endedAt", "name", "phone", "agent", "status", "queue",
        "classification", "subClassification", "feedbackScore", "feedbackComment", "waitSeconds", "handleSeconds"],
    lenientNames: false, lenientText: false)
{
    private const int Customer = 0, ChannelField = 1, StartedAt = 2, Id = 3, EndedAt = 4, Name = 5, PhoneField = 6,
        Agent = 7, Status = 8, Queue = 9, Classification = 10, SubClassification = 11, FeedbackScore = 12,
        FeedbackComment = 13, WaitSeconds = 14, HandleSeconds = 15;

    private static readonly FieldNames Names = new("startedAt", "endedAt", "feedbackScore");

    protected override InteractionDraft? Build(RecordContext ctx)
    {
        var email = ctx.Email(Props[Customer], Text(Customer, ctx));
        var channelText = Text(ChannelField, ctx);
        var channel = default(Channel);
        if (channelText is null)
        {
            if (IsBlank(ChannelField)) // otherwise a wrong type or invalid text has failed already
                ctx.Fail(Props[ChannelField], "missing");
        }
        else if (!Channels.TryParse(channelText, out channel))
            ctx.Fail(Props[ChannelField], $"{Echo.Quote(channelText)} is not one of PHONE, CHAT, WHATSAPP, EMAIL");
        var started = Timestamp(StartedAt, ctx);
        if (IsBlank(StartedAt))
            ctx.Fail(Props[StartedAt], "missing");
        var ended = Timestamp(EndedAt, ctx);
        var id = StringOrNumber(Id, ctx);
        var phone = PhoneNumber(PhoneField, ctx);
        var draft = new InteractionDraft
        {
            Email = email,
            Phone = phone,
            Channel = channel,
            StartedAt = started.GetValueOrDefault(),
            EndedAt = ended,
            // Stored exactly as given (no trimming): it is the source system's key. Blank means none.
            SourceId = string.IsNullOrWhiteSpace(id) ? null : id,
            Name = Text(Name, ctx),
            Agent = Text(Agent, ctx),
            Status = Text(Status, ctx),
            Queue = Text(Queue, ctx),
            Classification = Text(Classification, ctx),
            SubClassification = Text(SubClassification, ctx),
            FeedbackScore = Integer(FeedbackScore, ctx, allowString: false),
            FeedbackComment = Text(FeedbackComment, ctx),
            WaitSeconds = Integer(WaitSeconds, ctx, allowString: false, min: 0),
            HandleSeconds = Integer(HandleSeconds, ctx, allowString: false, min: 0),
            Source = "api",
        };
        return ctx.Failed ? null : ctx.Check(draft, Names);
    }

    /// <summary>ISO-8601 with an explicit offset or Z; a time without one is rejected rather than guessed.</summary>
    private DateTime? Timestamp(int i, RecordContext ctx)
    {
        var s = RawString(i, ctx);
        if (string.IsNullOrWhiteSpace(s))
            return null;
        if (!HasExplicitOffset(s))
        {
            ctx.Fail(Props[i], $"{Echo.Quote(s)} has no UTC offset; local times are not guessed (e.g. 2019-08-01T08:15:27-03:00 or 2019-08-01T11:15:27Z)");
            return null;
        }
        if (!Slot(i).TryGetDateTimeOffset(out var value))
        {
            ctx.Fail(Props[i], $"{Echo.Quote(s)} is not a valid ISO-8601 date and time (e.g. 2019-08-01T08:15:27-03:00)");
            return null;
        }
        return InteractionIdentity.NormalizeUtc(value.UtcDateTime);
    }

    // The date part (yyyy-MM-dd) has dashes of its own: an offset sign can only come after it.
    private static bool HasExplicitOffset(string s) =>
        s.Length > 10 && (s[^1] is 'Z' or 'z' || s.AsSpan(10).IndexOfAny('+', '-') >= 0);
}

/// <summary>The URA (IVR) export: month-first date plus a separate time; end = start + total call time.</summary>
internal sealed class PhoneExportAdapter() : JsonAdapter(
    ["email", "cliente_nome", "telefone", "data", "Horário", "duracao_total_da_chamada", "Agente", "Status",
        "fila_descricao", "classificacao", "sub_classificacao", "duracao_espera_fila", "duracao_atendimento"],
    lenientNames: true, lenientText: true)
{
    private const int Email = 0, Name = 1, PhoneField = 2, Date = 3, Time = 4, Total = 5, Agent = 6, Status = 7,
        Queue = 8, Classification = 9, SubClassification = 10, Wait = 11, Handle = 12;

    private static readonly FieldNames Names = new("data", "duracao_total_da_chamada", "score");

    protected override InteractionDraft? Build(RecordContext ctx)
    {
        var email = ctx.Email(Props[Email], Text(Email, ctx));
        var phone = PhoneNumber(PhoneField, ctx);
        var started = Start(ctx);
        var totalText = RawString(Total, ctx);
        var total = ctx.Duration(Props[Total], totalText);
        var draft = new InteractionDraft
        {
            Email = email,
            Phone = phone,
            Channel = Channel.Phone,
            StartedAt = started.GetValueOrDefault(),
            EndedAt = End(started, total, totalText, ctx),
            Name = Text(Name, ctx),
            Agent = Text(Agent, ctx),
            Status = Text(Status, ctx),
            Queue = Text(Queue, ctx),
            Classification = Text(Classification, ctx),
            SubClassification = Text(SubClassification, ctx),
            WaitSeconds = ctx.Duration(Props[Wait], RawString(Wait, ctx)),
            HandleSeconds = ctx.Duration(Props[Handle], RawString(Handle, ctx)),
            Source = "phone-export",
        };
        return ctx.Failed ? null : ctx.Check(draft, Names);
    }

    /// <summary>
    /// Start + total call time, added in UTC: the call lasted that long even if a clock change fell inside it.
    /// A total that would carry the end past the last representable instant is the record's fault, not the body's.
    /// </summary>
    private DateTime? End(DateTime? started, int? total, string? totalText, RecordContext ctx)
    {
        if (started is not { } start || total is not { } seconds)
            return null;
        var duration = TimeSpan.FromSeconds(seconds);
        if (DateTime.MaxValue - start < duration)
        {
            ctx.Fail(Props[Total], $"{Echo.Quote(totalText.AsSpan().Trim())} would end the call after the year 9999");
            return null;
        }
        return start + duration;
    }

    private DateTime? Start(RecordContext ctx)
    {
        var dateText = RawString(Date, ctx).AsSpan().Trim();
        var timeText = RawString(Time, ctx).AsSpan().Trim();
        if (dateText.IsEmpty)
            ctx.Fail(Props[Date], "missing");
        if (timeText.IsEmpty)
            ctx.Fail(Props[Time], "missing");
        if (dateText.IsEmpty || timeText.IsEmpty)
            return null;
        var dateOk = Fields.TryParseDate(dateText, DateOrder.MonthFirst, allowTwoDigitYear: false, out var date);
        if (!dateOk)
            ctx.Fail(Props[Date], $"{Echo.Quote(dateText)} is not a valid MM/dd/yyyy date");
        var timeOk = Fields.TryParseTime(timeText, out var time);
        if (!timeOk)
            ctx.Fail(Props[Time], $"{Echo.Quote(timeText)} is not a valid HH:mm:ss time");
        if (!dateOk || !timeOk)
            return null;
        return ctx.ToUtc(Props[Date], $"{dateText} {timeText}", date.ToDateTime(time));
    }
}

/// <summary>The chat export: day-first date-times, feedback score and comment.</summary>
internal sealed class ChatExportAdapter() : JsonAdapter(
    ["Visitor_Email", "Data da conversa (Inicio)", "Data da conversa (Fim)", "Agente", "Status", "Atendido",
        "Feedback_Average", "Feedback_Response_Additional"],
    lenientNames: true, lenientText: true)
{
    private const int Email = 0, Start = 1, End = 2, Agent = 3, Status = 4, Served = 5, Score = 6, Comment = 7;
    private const string Shape = "dd/MM/yyyy HH:mm";

    private static readonly FieldNames Names = new("Data da conversa (Inicio)", "Data da conversa (Fim)", "Feedback_Average");

    protected override InteractionDraft? Build(RecordContext ctx)
    {
        var email = ctx.Email(Props[Email], Text(Email, ctx));
        var started = ctx.LocalDateTime(Props[Start], RawString(Start, ctx), DateOrder.DayFirst, false, Shape);
        if (IsBlank(Start))
            ctx.Fail(Props[Start], "missing");
        var draft = new InteractionDraft
        {
            Email = email,
            Channel = Channel.Chat,
            StartedAt = started.GetValueOrDefault(),
            EndedAt = ctx.LocalDateTime(Props[End], RawString(End, ctx), DateOrder.DayFirst, false, Shape),
            Agent = Text(Agent, ctx),
            // The export's own Status wins when present; otherwise it is derived from the yes/no "Atendido" column,
            // in the same words the other exports use ("Atendida"), and any other answer is kept as given.
            Status = Text(Status, ctx) ?? Verdict(Text(Served, ctx), "Atendida", "Não atendida"),
            FeedbackScore = Integer(Score, ctx, allowString: true),
            FeedbackComment = Text(Comment, ctx),
            Source = "chat-export",
        };
        return ctx.Failed ? null : ctx.Check(draft, Names);
    }

    /// <summary>"Sim"/"Não" (any case, with or without the tilde) as a status phrase; other text as given.</summary>
    internal static string? Verdict(string? answer, string yes, string no) => answer is null
        ? null
        : Fields.FoldName(answer) switch
        {
            "sim" => yes,
            "nao" => no,
            _ => answer,
        };
}
