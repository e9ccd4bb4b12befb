using System.Buffers.Binary;

namespace CxActors.Customers;

/// <summary>
/// One interaction as a customer's window keeps it: the 128-bit identity as two numbers instead of a 32-character
/// string, nullable numbers as plain ints, the short repeated texts as two-byte <see cref="TextPool"/> codes, and no
/// customer id, name or phone (the history holds those once). 96 bytes against 264 for an <see cref="Interaction"/>
/// and its id string: with 100,000 active customers of ~10 interactions each, the window is a large share of a silo's
/// memory. A class, not a struct inline in the window's array: arrays of structs left their old copies behind as
/// generation-2 fragmentation (BENCHMARKS.md, round 3).
/// </summary>
internal sealed class WindowEntry
{
    private const int None = int.MinValue;
    private readonly long _endedTicks; // 0: no end time
    private readonly string? _sourceId;
    // The feedback comment (a string), or a RareTexts when a short text could not be pooled; usually null.
    private readonly object? _rare;
    private readonly int _feedbackScore, _waitSeconds, _handleSeconds;
    private readonly ushort _agent, _status, _queue, _classification, _subClassification, _source, _sourceDetail;

    private WindowEntry(Interaction i, ulong idHigh, ulong idLow)
    {
        IdHigh = idHigh;
        IdLow = idLow;
        StartedAt = i.StartedAt;
        _endedTicks = i.EndedAt?.Ticks ?? 0;
        Channel = i.Channel;
        _sourceId = i.SourceId;
        _agent = TextPool.CodeOf(i.Agent);
        _status = TextPool.CodeOf(i.Status);
        _queue = TextPool.CodeOf(i.Queue);
        _classification = TextPool.CodeOf(i.Classification);
        _subClassification = TextPool.CodeOf(i.SubClassification);
        _source = TextPool.CodeOf(i.Source);
        _sourceDetail = TextPool.CodeOf(i.SourceDetail);
        _rare = _agent == TextPool.Unpooled || _status == TextPool.Unpooled || _queue == TextPool.Unpooled
            || _classification == TextPool.Unpooled || _subClassification == TextPool.Unpooled
            || _source == TextPool.Unpooled || _sourceDetail == TextPool.Unpooled
            ? new RareTexts
            {
                Agent = Unpooled(_agent, i.Agent),
                Status = Unpooled(_status, i.Status),
                Queue = Unpooled(_queue, i.Queue),
                Classification = Unpooled(_classification, i.Classification),
                SubClassification = Unpooled(_subClassification, i.SubClassification),
                FeedbackComment = i.FeedbackComment,
                Source = Unpooled(_source, i.Source),
                SourceDetail = Unpooled(_sourceDetail, i.SourceDetail),
            }
            : i.FeedbackComment;
        _feedbackScore = i.FeedbackScore ?? None;
        _waitSeconds = i.WaitSeconds ?? None;
        _handleSeconds = i.HandleSeconds ?? None;
    }

    public ulong IdHigh { get; }
    public ulong IdLow { get; }
    public DateTime StartedAt { get; }
    public Channel Channel { get; }

    /// <exception cref="ArgumentException">The interaction's id is not an identity hash (32 lowercase hex digits).</exception>
    public static WindowEntry From(Interaction interaction) =>
        TryParseId(interaction.Id, out var high, out var low)
            ? new WindowEntry(interaction, high, low)
            : throw new ArgumentException($"Interaction id '{interaction.Id}' is not an identity hash (32 lowercase hex digits).", nameof(interaction));

    public string Id
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            WriteId(bytes);
            return Convert.ToHexStringLower(bytes);
        }
    }

    private void WriteId(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt64BigEndian(bytes, IdHigh);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], IdLow);
    }

    public bool HasId(ulong high, ulong low) => IdHigh == high && IdLow == low;

    public Interaction ToInteraction(string customerId)
    {
        var rare = _rare as RareTexts;
        return new()
        {
            Id = Id,
            SourceId = _sourceId,
            CustomerId = customerId,
            Channel = Channel,
            StartedAt = StartedAt,
            EndedAt = _endedTicks == 0 ? null : new DateTime(_endedTicks, DateTimeKind.Utc),
            Agent = Text(_agent, rare?.Agent),
            Status = Text(_status, rare?.Status),
            Queue = Text(_queue, rare?.Queue),
            Classification = Text(_classification, rare?.Classification),
            SubClassification = Text(_subClassification, rare?.SubClassification),
            FeedbackScore = _feedbackScore == None ? null : _feedbackScore,
            FeedbackComment = rare is not null ? rare.FeedbackComment : (string?)_rare,
            WaitSeconds = _waitSeconds == None ? null : _waitSeconds,
            HandleSeconds = _handleSeconds == None ? null : _handleSeconds,
            Source = Text(_source, rare?.Source)!,
            SourceDetail = Text(_sourceDetail, rare?.SourceDetail),
        };
    }

    private static string? Text(ushort code, string? unpooled) => code == TextPool.Unpooled ? unpooled : TextPool.TextOf(code);

    private static string? Unpooled(ushort code, string? text) => code == TextPool.Unpooled ? text : null;

    /// <summary>
    /// The texts of an entry that could not be pooled (too long, or the pool is full), with its feedback comment; a
    /// pooled text is null here, so that this entry does not keep its own copy alive.
    /// </summary>
    private sealed class RareTexts
    {
        public string? Agent { get; init; }
        public string? Status { get; init; }
        public string? Queue { get; init; }
        public string? Classification { get; init; }
        public string? SubClassification { get; init; }
        public string? FeedbackComment { get; init; }
        public string? Source { get; init; }
        public string? SourceDetail { get; init; }
    }

    /// <summary>
    /// Newest first by (startedAt, id). The id's hex digits are lowercase and fixed-width, so comparing the two
    /// numbers orders exactly as comparing the strings ordinally does (the order of the table's pages).
    /// </summary>
    public static int NewestFirst(WindowEntry x, WindowEntry y)
    {
        var byTime = y.StartedAt.CompareTo(x.StartedAt);
        if (byTime != 0)
            return byTime;
        var byHigh = y.IdHigh.CompareTo(x.IdHigh);
        return byHigh != 0 ? byHigh : y.IdLow.CompareTo(x.IdLow);
    }

    /// <summary>Ascending comparison of this entry's (startedAt, id) with a cursor's, whose id may be any text.</summary>
    public int CompareTo(DateTime startedAt, string id)
    {
        var byTime = StartedAt.CompareTo(startedAt);
        if (byTime != 0)
            return byTime;
        Span<byte> bytes = stackalloc byte[16];
        WriteId(bytes);
        Span<char> hex = stackalloc char[32];
        Convert.TryToHexStringLower(bytes, hex, out _);
        return Math.Sign(((ReadOnlySpan<char>)hex).SequenceCompareTo(id));
    }

    /// <summary>Reads 32 lowercase hex digits (what <see cref="InteractionIdentity"/> produces) in one pass.</summary>
    public static bool TryParseId(string id, out ulong high, out ulong low)
    {
        high = low = 0;
        if (id.Length != 32)
            return false;
        for (var i = 0; i < 32; i++)
        {
            var c = id[i];
            var nibble = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'f' ? c - 'a' + 10 : -1;
            if (nibble < 0)
            {
                high = low = 0;
                return false;
            }
            if (i < 16)
                high = high << 4 | (uint)nibble;
            else
                low = low << 4 | (uint)nibble;
        }
        return true;
    }
}
