namespace CxActors.Ingest;

/// <summary>
/// Maps CSV rows to drafts. Columns are found once, from the header, by name (trimmed, case- and
/// diacritics-insensitive), so column order and unknown extra columns do not matter.
/// </summary>
internal abstract class CsvAdapter
{
    private readonly string[] _columns;
    private readonly bool[] _required;
    private readonly int[] _index;
    private readonly string[] _headers;
    private int _minFields;

    /// <param name="columns">Column names in slot order; the first <paramref name="requiredCount"/> must be in the header.</param>
    protected CsvAdapter(string[] columns, int requiredCount)
    {
        _columns = columns;
        _required = [.. columns.Select((_, i) => i < requiredCount)];
        _index = new int[columns.Length];
        _headers = [.. columns];
    }

    /// <summary>Finds the columns; a header without a required column makes the whole body unreadable.</summary>
    public void BindHeader(CsvRecordStream header)
    {
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        var given = new List<string>(header.FieldCount);
        for (var i = 0; i < header.FieldCount; i++)
        {
            var name = header.Field(i).Trim().TrimStart('\uFEFF').Trim().ToString();
            given.Add(name);
            positions.TryAdd(Fields.FoldName(name), i); // a repeated column: the first one counts
        }
        var missing = new List<string>();
        for (var c = 0; c < _columns.Length; c++)
        {
            _index[c] = positions.TryGetValue(Fields.FoldName(_columns[c]), out var at) ? at : -1;
            if (_index[c] >= 0)
            {
                // Reasons name the column as the file spells it, unless that spelling is too long to repeat.
                if (given[_index[c]].Length <= Echo.MaxChars)
                    _headers[c] = given[_index[c]];
                if (_required[c])
                    _minFields = Math.Max(_minFields, _index[c] + 1);
            }
            else if (_required[c])
            {
                missing.Add(_columns[c]);
            }
        }
        if (missing.Count > 0)
            throw new IngestFormatException(
                $"the CSV header lacks the required column(s) {string.Join(", ", missing.Select(m => $"'{m}'"))}; " +
                $"found: {Found(given)}");
    }

    /// <summary>The header's names for a message: each quoted (bounded), at most the first <see cref="MaxNamesShown"/>.</summary>
    private static string Found(List<string> given)
    {
        var shown = string.Join(", ", given.Take(MaxNamesShown).Select(g => Echo.Quote(g)));
        return given.Count > MaxNamesShown ? $"{shown} and {given.Count - MaxNamesShown} more" : shown;
    }

    private const int MaxNamesShown = 20;

    public InteractionDraft? Map(CsvRecordStream row, RecordContext ctx)
    {
        ctx.Reset();
        if (row.FieldCount < _minFields)
        {
            ctx.Fail(null, $"the row has {row.FieldCount} field(s), fewer than the {_minFields} the required columns need");
            return null;
        }
        return Build(row, ctx);
    }

    protected abstract InteractionDraft? Build(CsvRecordStream row, RecordContext ctx);

    private FieldNames? _checkNames;

    /// <summary>The names the common rules report, built once per body.</summary>
    protected FieldNames CheckNames(int start, int end) => _checkNames ??= new FieldNames(Name(start), Name(end), "score");

    /// <summary>The column's name as the file spells it.</summary>
    protected string Name(int column) => _headers[column];

    /// <summary>The raw field, or empty when the column is absent from the header or the row is short.</summary>
    protected ReadOnlySpan<char> Get(CsvRecordStream row, int column)
    {
        var i = _index[column];
        return i >= 0 && i < row.FieldCount ? row.Field(i) : default;
    }

    protected string? Text(CsvRecordStream row, int column) => Fields.Clean(Get(row, column));

    protected DateTime? Required(CsvRecordStream row, int column, RecordContext ctx, string shape)
    {
        var value = Get(row, column);
        if (value.IsWhiteSpace())
        {
            ctx.Fail(Name(column), "missing");
            return null;
        }
        return Optional(row, column, ctx, shape);
    }

    /// <summary>Month-first date and time with a 2- or 4-digit year (2000 + yy), optional seconds.</summary>
    protected DateTime? Optional(CsvRecordStream row, int column, RecordContext ctx, string shape) =>
        ctx.LocalDateTime(Name(column), Get(row, column), DateOrder.MonthFirst, allowTwoDigitYear: true, shape);
}

/// <summary>The WhatsApp export.</summary>
internal sealed class WhatsAppExportAdapter() : CsvAdapter(
    ["E-mail", "Inicio da conversa", "Fim da conversa (finalizado?)", "Finalizado?", "Tempo duração atendimento"],
    requiredCount: 2)
{
    private const int Email = 0, Start = 1, End = 2, Finished = 3, Handle = 4;
    private const string Shape = "M/d/yy H:mm or MM/dd/yyyy HH:mm";

    protected override InteractionDraft? Build(CsvRecordStream row, RecordContext ctx)
    {
        var email = ctx.Email(Name(Email), Get(row, Email));
        var started = Required(row, Start, ctx, Shape);
        var draft = new InteractionDraft
        {
            Email = email,
            Channel = Channel.WhatsApp,
            StartedAt = started.GetValueOrDefault(),
            EndedAt = Optional(row, End, ctx, Shape),
            Status = ChatExportAdapter.Verdict(Text(row, Finished), "Finalizada", "Não finalizada"),
            HandleSeconds = ctx.Duration(Name(Handle), Get(row, Handle)),
            Source = "whatsapp-export",
        };
        return ctx.Failed ? null : ctx.Check(draft, CheckNames(Start, End));
    }
}

/// <summary>
/// The e-mail (case) export. "Loja" (the store, the same brand on every row of the seed) is ignored: it
/// describes the business, not the contact, and SourceDetail stays exactly the "Origem do caso".
/// </summary>
internal sealed class EmailExportAdapter() : CsvAdapter(
    ["Email do cliente", "Data/Hora de abertura", "Data/Hora de fechamento", "Classificação", "Sub Classificação",
        "Origem do caso"],
    requiredCount: 2)
{
    private const int Email = 0, Start = 1, End = 2, Classification = 3, SubClassification = 4, Origin = 5;
    private const string Shape = "MM/dd/yy HH:mm or MM/dd/yyyy HH:mm";

    protected override InteractionDraft? Build(CsvRecordStream row, RecordContext ctx)
    {
        var email = ctx.Email(Name(Email), Get(row, Email));
        var started = Required(row, Start, ctx, Shape);
        var draft = new InteractionDraft
        {
            Email = email,
            Channel = Channel.Email,
            StartedAt = started.GetValueOrDefault(),
            EndedAt = Optional(row, End, ctx, Shape),
            Classification = Text(row, Classification),
            SubClassification = Text(row, SubClassification),
            SourceDetail = Text(row, Origin),
            Source = "email-export",
        };
        return ctx.Failed ? null : ctx.Check(draft, CheckNames(Start, End));
    }
}
