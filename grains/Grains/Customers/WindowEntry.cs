using System.Buffers.Binary;

namespace CxActors.Customers;

/// <summary>
/// One interaction as a customer's window keeps it: the 128-bit identity as two numbers instead of a 32-character
/// string, nullable numbers as plain ints, and no customer id, name or phone (the history holds those once).
/// About 136 bytes against 264 for an <see cref="Interaction"/> and its id string: with 100,000 active customers of
/// ~10 interactions each, the window is most of a silo's memory.
/// </summary>
internal sealed class WindowEntry
{
    private const int None = int.MinValue;
    private readonly long _endedTicks; // 0: no end time
    private readonly int _feedbackScore, _waitSeconds, _handleSeconds;

    private WindowEntry(Interaction i, ulong idHigh, ulong idLow)
    {
        IdHigh = idHigh;
        IdLow = idLow;
        StartedAt = i.StartedAt;
        _endedTicks = i.EndedAt?.Ticks ?? 0;
        Channel = i.Channel;
        SourceId = i.SourceId;
        Agent = TextPool.Share(i.Agent);
        Status = TextPool.Share(i.Status);
        Queue = TextPool.Share(i.Queue);
        Classification = TextPool.Share(i.Classification);
        SubClassification = TextPool.Share(i.SubClassification);
        FeedbackComment = i.FeedbackComment;
        Source = TextPool.Share(i.Source)!;
        SourceDetail = TextPool.Share(i.SourceDetail);
        _feedbackScore = i.FeedbackScore ?? None;
        _waitSeconds = i.WaitSeconds ?? None;
        _handleSeconds = i.HandleSeconds ?? None;
    }

    public ulong IdHigh { get; }
    public ulong IdLow { get; }
    public DateTime StartedAt { get; }
    public Channel Channel { get; }
    private string? SourceId { get; }
    private string? Agent { get; }
    private string? Status { get; }
    private string? Queue { get; }
    private string? Classification { get; }
    private string? SubClassification { get; }
    private string? FeedbackComment { get; }
    private string Source { get; }
    private string? SourceDetail { get; }

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

    public Interaction ToInteraction(string customerId) => new()
    {
        Id = Id,
        SourceId = SourceId,
        CustomerId = customerId,
        Channel = Channel,
        StartedAt = StartedAt,
        EndedAt = _endedTicks == 0 ? null : new DateTime(_endedTicks, DateTimeKind.Utc),
        Agent = Agent,
        Status = Status,
        Queue = Queue,
        Classification = Classification,
        SubClassification = SubClassification,
        FeedbackScore = _feedbackScore == None ? null : _feedbackScore,
        FeedbackComment = FeedbackComment,
        WaitSeconds = _waitSeconds == None ? null : _waitSeconds,
        HandleSeconds = _handleSeconds == None ? null : _handleSeconds,
        Source = Source,
        SourceDetail = SourceDetail,
    };

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

    public static bool TryParseId(string id, out ulong high, out ulong low)
    {
        high = low = 0;
        if (id.Length != 32)
            return false;
        foreach (var c in id)
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f')))
                return false;
        Span<byte> bytes = stackalloc byte[16];
        if (Convert.FromHexString(id, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
            return false;
        high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        return true;
    }
}
