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
    // Newest first by (StartedAt, Id); a handful of entries for a typical customer, so a sorted array
    // beats any tree or hash set on both speed and memory (and a List's own object).
    private WindowEntry[] _recent = [];
    private int _recentCount;
    // Exact-size: most customers have one phone or none, and a new phone is rare next to a new interaction.
    /// <summary>Phones kept in the profile and the customers row (20 phones of at most 32 digits fit its 1,024 characters).</summary>
    public const int MaxPhones = 20;

    private string[] _phones = [];
    // The customers row's phones column, joined once per change rather than once per append (the phone itself
    // when there is one).
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
    public IReadOnlyList<string> Phones => Array.AsReadOnly(_phones);
    public DateTime? FirstContactAt { get; private set; }
    public int TotalContacts { get; private set; }
    public int CountOn(Channel channel) => _channelCounts[(int)channel];
    public Interaction? Last => _recentCount > 0 ? _recent[0].ToInteraction(CustomerId) : null;

    /// <summary>True when every interaction of the customer is in the recent window.</summary>
    public bool IsComplete => _recentCount == TotalContacts;

    /// <summary>True when every interaction with startedAt &gt; <paramref name="sinceExclusive"/> is in the recent window.</summary>
    public bool Covers(DateTime sinceExclusive) => IsComplete || _recent[_recentCount - 1].StartedAt <= sinceExclusive;

    public bool Contains(string interactionId) =>
        WindowEntry.TryParseId(interactionId, out var high, out var low) && Contains(high, low); // else never recorded

    /// <summary>Whether the window holds the interaction whose identity hash is (<paramref name="high"/>, <paramref name="low"/>).</summary>
    public bool Contains(ulong high, ulong low)
    {
        for (var i = 0; i < _recentCount; i++)
            if (_recent[i].HasId(high, low))
                return true;
        return false;
    }

    /// <summary>
    /// Whether a copy of <paramref name="interaction"/> could be logged outside the window, so that only the
    /// table can tell. A natural identity includes startedAt, so newer-than-window records are known here;
    /// a source id may come back with another startedAt, so it is checked whenever the window is partial.
    /// </summary>
    public bool MayHaveLoggedElsewhere(Interaction interaction) =>
        !IsComplete && (interaction.SourceId is not null || interaction.StartedAt <= _recent[_recentCount - 1].StartedAt);

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
        var windowWasComplete = IsComplete;
        TotalContacts++;
        _channelCounts[(int)interaction.Channel]++;
        if (FirstContactAt is null || interaction.StartedAt < FirstContactAt)
            FirstContactAt = interaction.StartedAt;
        if (interaction.Name is not null && (NameAt is null || interaction.StartedAt >= NameAt))
        {
            Name = interaction.Name;
            NameAt = interaction.StartedAt;
        }
        // A bounded summary: the first MaxPhones distinct phones in log order (the log keeps every record's phone), so
        // no customer's row or memory can grow without end, and a replay rebuilds the same list.
        if (interaction.Phone is not null && _phones.Length < MaxPhones && Array.IndexOf(_phones, interaction.Phone) < 0)
        {
            _phones = [.. _phones, interaction.Phone];
            _phonesText = PhonesText(_phones);
        }

        // The window is always the newest entries with none missing between them. An entry older than all of a
        // partial window's may be older than some left out (a full window, or one restored at a raised capacity):
        // counted, not kept.
        var index = InsertionPoint(entry);
        if (index >= _capacity || (index == _recentCount && !windowWasComplete))
            return;
        if (_recentCount < _capacity)
        {
            if (_recentCount == _recent.Length)
                Array.Resize(ref _recent, Math.Min(_capacity, _recentCount + Math.Max(4, _recentCount / 2)));
            _recentCount++;
        }
        // Full window: the oldest entry falls off the end.
        Array.Copy(_recent, index, _recent, index + 1, _recentCount - 1 - index);
        _recent[index] = entry;
    }

    private static string? PhonesText(string[] phones) => phones.Length switch
    {
        0 => null,
        1 => phones[0],
        _ => string.Join(',', phones),
    };

    /// <summary>Where <paramref name="entry"/> goes in the newest-first window (after any equal entry).</summary>
    private int InsertionPoint(WindowEntry entry)
    {
        int low = 0, high = _recentCount;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (WindowEntry.NewestFirst(_recent[middle], entry) <= 0)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    private List<Interaction> ToInteractions()
    {
        var interactions = new List<Interaction>(_recentCount);
        for (var i = 0; i < _recentCount; i++)
            interactions.Add(_recent[i].ToInteraction(CustomerId));
        return interactions;
    }

    /// <summary>Contacts with since &lt; startedAt &lt;= until, from the window; call only when <see cref="Covers"/>.</summary>
    public int Count(ContactWindow window, Channel? channel)
    {
        var count = 0;
        // Newest first: the first entry at or before the window's start ends the walk.
        for (var i = 0; i < _recentCount && _recent[i].StartedAt > window.SinceExclusive; i++)
        {
            var entry = _recent[i];
            if (window.Contains(entry.StartedAt) && (channel is null || entry.Channel == channel))
                count++;
        }
        return count;
    }

    /// <summary>
    /// The contacts with <paramref name="fromInclusive"/> &lt;= startedAt &lt;= <paramref name="toInclusive"/> in ascending
    /// (startedAt, id) order, from the window; call only when <see cref="Covers"/> holds for the instant before
    /// <paramref name="fromInclusive"/>.
    /// </summary>
    public List<ContactPoint> Points(DateTime fromInclusive, DateTime toInclusive)
    {
        var points = new List<ContactPoint>();
        for (var i = _recentCount - 1; i >= 0; i--)
        {
            var entry = _recent[i];
            if (entry.StartedAt > toInclusive)
                break;
            if (entry.StartedAt >= fromInclusive)
                points.Add(new ContactPoint(entry.StartedAt, entry.Id, entry.Channel));
        }
        return points;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> entries after the cursor from the window, and whether that answer is
    /// certainly the table's answer too (the window held enough, or holds everything).
    /// </summary>
    public (List<Interaction> Entries, bool Exact) Page(Channel? channel, int limit, InteractionCursor? after)
    {
        var entries = new List<Interaction>(Math.Min(limit, 32));
        for (var i = 0; i < _recentCount; i++)
        {
            var entry = _recent[i];
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
        Recent = ToInteractions(),
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
        history._phones = [.. snapshot.Phones];
        history._phonesText = PhonesText(history._phones);
        for (var c = 0; c < history._channelCounts.Length && c < snapshot.ChannelCounts.Length; c++)
            history._channelCounts[c] = snapshot.ChannelCounts[c];
        history.TotalContacts = history._channelCounts.Sum();
        // A lowered capacity keeps the newest; the snapshot is already in order.
        history._recent = [.. snapshot.Recent.Take(capacity).Select(WindowEntry.From)];
        history._recentCount = history._recent.Length;
        return history;
    }
}
