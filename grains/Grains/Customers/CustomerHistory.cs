using CxActors.Storage;

namespace CxActors.Customers;

/// <summary>
/// A customer's live contact history: exact aggregates over the whole history plus the latest interactions
/// by startedAt, bounded, so that recording one more interaction costs the same at 10 or 100,000.
/// Every question whose answer may lie outside the recent window says so (<see cref="Covers"/>,
/// <see cref="MayHaveLoggedElsewhere"/>) and the grain then asks the interactions table.
/// </summary>
public sealed class CustomerHistory
{
    private readonly int _capacity;
    private readonly int[] _channelCounts = new int[4];
    // Newest first by (StartedAt, Id); a handful of entries for a typical customer, so a sorted list
    // beats any tree or hash set on both speed and memory.
    private readonly List<WindowEntry> _recent = [];
    private readonly List<string> _phones = [];
    // The customers row's phones column, joined once per change rather than once per append.
    private string? _phonesText;

    public CustomerHistory(string customerId, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        CustomerId = customerId;
        _capacity = capacity;
    }

    public string CustomerId { get; }
    /// <summary>The highest customer_seq handed out (or replayed).</summary>
    public int LogPosition { get; private set; }
    public string? Name { get; private set; }
    private DateTime? NameAt { get; set; }
    public IReadOnlyList<string> Phones => _phones;
    public DateTime? FirstContactAt { get; private set; }
    public int TotalContacts { get; private set; }
    public int CountOn(Channel channel) => _channelCounts[(int)channel];
    /// <summary>The window, newest first (a copy: the window keeps compact entries).</summary>
    public IReadOnlyList<Interaction> Recent => _recent.ConvertAll(e => e.ToInteraction(CustomerId));
    public Interaction? Last => _recent.Count > 0 ? _recent[0].ToInteraction(CustomerId) : null;

    /// <summary>True when every interaction of the customer is in the recent window.</summary>
    public bool IsComplete => _recent.Count == TotalContacts;

    /// <summary>True when every interaction with startedAt &gt; <paramref name="sinceExclusive"/> is in the recent window.</summary>
    public bool Covers(DateTime sinceExclusive) => IsComplete || _recent[^1].StartedAt <= sinceExclusive;

    public bool Contains(string interactionId) =>
        WindowEntry.TryParseId(interactionId, out var high, out var low) && Contains(high, low); // else never recorded

    /// <summary>Whether the window holds the interaction whose identity hash is (<paramref name="high"/>, <paramref name="low"/>).</summary>
    public bool Contains(ulong high, ulong low)
    {
        foreach (var entry in _recent)
            if (entry.HasId(high, low))
                return true;
        return false;
    }

    /// <summary>
    /// Whether a copy of <paramref name="interaction"/> could be logged outside the window, so that only the
    /// table can tell. A natural identity includes startedAt, so newer-than-window records are known here;
    /// a source id may come back with another startedAt, so it is checked whenever the window is partial.
    /// </summary>
    public bool MayHaveLoggedElsewhere(Interaction interaction) =>
        !IsComplete && (interaction.SourceId is not null || interaction.StartedAt <= _recent[^1].StartedAt);

    /// <summary>Adds a new interaction and returns the log position assigned to it.</summary>
    public int Record(Interaction interaction)
    {
        Apply(interaction);
        return ++LogPosition;
    }

    /// <summary>Applies a row already in the log (activation replay).</summary>
    public void Replay(LoggedInteraction row)
    {
        Apply(row.Interaction);
        LogPosition = Math.Max(LogPosition, row.Seq);
    }

    private void Apply(Interaction interaction)
    {
        var entry = WindowEntry.From(interaction); // first: a malformed id changes nothing
        TotalContacts++;
        _channelCounts[(int)interaction.Channel]++;
        if (FirstContactAt is null || interaction.StartedAt < FirstContactAt)
            FirstContactAt = interaction.StartedAt;
        if (interaction.Name is not null && (NameAt is null || interaction.StartedAt >= NameAt))
        {
            Name = interaction.Name;
            NameAt = interaction.StartedAt;
        }
        if (interaction.Phone is not null && !_phones.Contains(interaction.Phone))
        {
            _phones.Add(interaction.Phone);
            _phonesText = string.Join(',', _phones);
        }

        var index = _recent.BinarySearch(entry, WindowOrder);
        if (index < 0)
            index = ~index;
        if (index >= _capacity)
            return; // older than everything the full window holds: counted, not kept
        _recent.Insert(index, entry);
        if (_recent.Count > _capacity)
            _recent.RemoveAt(_recent.Count - 1);
    }

    /// <summary>Contacts with since &lt; startedAt &lt;= until, from the window; call only when <see cref="Covers"/>.</summary>
    public int Count(DateTime sinceExclusive, DateTime untilInclusive, Channel? channel)
    {
        var count = 0;
        foreach (var entry in _recent)
        {
            if (entry.StartedAt <= sinceExclusive)
                break;
            if (entry.StartedAt <= untilInclusive && (channel is null || entry.Channel == channel))
                count++;
        }
        return count;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> entries after the cursor from the window, and whether that answer is
    /// certainly the table's answer too (the window held enough, or holds everything).
    /// </summary>
    public (List<Interaction> Entries, bool Exact) Page(Channel? channel, int limit, InteractionCursor? after)
    {
        var entries = new List<Interaction>(Math.Min(limit, 32));
        foreach (var entry in _recent)
        {
            if (after is not null && entry.CompareTo(after.StartedAt, after.Id) >= 0)
                continue;
            if (channel is not null && entry.Channel != channel)
                continue;
            entries.Add(entry.ToInteraction(CustomerId));
            if (entries.Count == limit)
                return (entries, true);
        }
        return (entries, IsComplete);
    }

    public CustomerRow ToCustomerRow() => new(
        CustomerId,
        Name,
        _phonesText,
        FirstContactAt!.Value,
        _recent[0].StartedAt,
        _recent[0].Channel,
        _recent[0].Id,
        TotalContacts,
        (int[])_channelCounts.Clone(),
        LogPosition);

    public CustomerProfile? ToProfile() => Last is not { } last ? null : new CustomerProfile
    {
        CustomerId = CustomerId,
        Name = Name,
        Phones = [.. _phones],
        TotalContacts = TotalContacts,
        ChannelCounts = [.. Channels.All.Where(c => CountOn(c) > 0).Select(c => new ChannelCount(c, CountOn(c)))],
        FirstContactAt = FirstContactAt!.Value,
        LastInteraction = last,
    };

    public CustomerSnapshot ToSnapshot() => new()
    {
        LogPosition = LogPosition,
        Name = Name,
        NameAt = NameAt,
        Phones = [.. _phones],
        FirstContactAt = FirstContactAt,
        ChannelCounts = (int[])_channelCounts.Clone(),
        Recent = _recent.ConvertAll(e => e.ToInteraction(CustomerId)),
    };

    public static CustomerHistory FromSnapshot(string customerId, int capacity, CustomerSnapshot snapshot)
    {
        var history = new CustomerHistory(customerId, capacity)
        {
            LogPosition = snapshot.LogPosition,
            Name = snapshot.Name,
            NameAt = snapshot.NameAt,
            FirstContactAt = snapshot.FirstContactAt,
        };
        history._phones.AddRange(snapshot.Phones);
        history._phonesText = history._phones.Count == 0 ? null : string.Join(',', history._phones);
        for (var c = 0; c < history._channelCounts.Length && c < snapshot.ChannelCounts.Length; c++)
            history._channelCounts[c] = snapshot.ChannelCounts[c];
        history.TotalContacts = history._channelCounts.Sum();
        // A lowered capacity keeps the newest; the snapshot is already in order.
        history._recent.AddRange(snapshot.Recent.Take(capacity).Select(WindowEntry.From));
        return history;
    }

    private static readonly Comparer<WindowEntry> WindowOrder = Comparer<WindowEntry>.Create(WindowEntry.NewestFirst);
}
