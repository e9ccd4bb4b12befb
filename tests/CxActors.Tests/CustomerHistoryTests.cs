using CxActors.Customers;
using CxActors.Storage;
using static CxActors.Tests.Infrastructure.Interactions;

namespace CxActors.Tests;

/// <summary>The grain's live model on its own: windows, ordering, bounds, snapshots.</summary>
public sealed class CustomerHistoryTests
{
    private const string Customer = "ana@example.com";

    private static Interaction At(int day, Channel channel = Channel.Chat, string? source = null) =>
        Make(Customer, channel, Utc(2024, 1, day), sourceId: source);

    [Fact]
    public void Keeps_the_latest_by_start_time_whatever_the_arrival_order()
    {
        var history = new CustomerHistory(Customer, capacity: 3);
        foreach (var day in new[] { 5, 1, 9, 3, 7 })
            history.Record(At(day));

        Assert.Equal([Utc(2024, 1, 9), Utc(2024, 1, 7), Utc(2024, 1, 5)], history.ToSnapshot().Recent.Select(i => i.StartedAt));
        Assert.Equal(5, history.TotalContacts);
        Assert.Equal(5, history.LogPosition);
        Assert.Equal(Utc(2024, 1, 1), history.FirstContactAt);
        Assert.Equal(Utc(2024, 1, 9), history.Last!.StartedAt);
        Assert.False(history.IsComplete);
    }

    [Fact]
    public void Says_when_an_answer_lies_beyond_the_window()
    {
        var history = new CustomerHistory(Customer, capacity: 3);
        foreach (var day in new[] { 1, 3, 5, 7 })
            history.Record(At(day));

        // The window holds days 7, 5, 3: anything after day 3 is known here, day 3 itself and before is not.
        Assert.True(history.Covers(Utc(2024, 1, 3)));
        Assert.False(history.Covers(Utc(2024, 1, 2)));
        Assert.True(history.MayHaveLoggedElsewhere(At(3)));
        Assert.False(history.MayHaveLoggedElsewhere(At(4)));
        Assert.True(history.MayHaveLoggedElsewhere(At(20, source: "ticket-1")));
        Assert.Equal(2, history.Count(new ContactWindow(Utc(2024, 1, 3), Utc(2024, 1, 7)), null));
        Assert.Equal(0, history.Count(new ContactWindow(Utc(2024, 1, 3), Utc(2024, 1, 7)), Channel.Phone));
    }

    [Fact]
    public void A_complete_history_answers_everything_itself()
    {
        var history = new CustomerHistory(Customer, capacity: 10);
        history.Record(At(2, source: "x"));
        Assert.True(history.IsComplete);
        Assert.True(history.Covers(DateTime.MinValue));
        Assert.False(history.MayHaveLoggedElsewhere(At(1, source: "y")));
        Assert.True(history.Contains(At(2, source: "x").Id));
    }

    [Fact]
    public void Pages_newest_first_and_knows_when_the_window_suffices()
    {
        var history = new CustomerHistory(Customer, capacity: 4);
        foreach (var day in Enumerable.Range(1, 6))
            history.Record(At(day, day % 2 == 0 ? Channel.Phone : Channel.Email));

        var (first, exact) = history.Page(null, 2, null);
        Assert.True(exact);
        Assert.Equal([Utc(2024, 1, 6), Utc(2024, 1, 5)], first.Select(i => i.StartedAt));

        var cursor = new InteractionCursor(first[^1].StartedAt, first[^1].Id);
        var (second, secondExact) = history.Page(null, 2, cursor);
        Assert.True(secondExact);
        Assert.Equal([Utc(2024, 1, 4), Utc(2024, 1, 3)], second.Select(i => i.StartedAt));

        // Phones on days 6 and 4 are in the window; day 2 is not, so three phone calls need the table.
        var (phones, phonesExact) = history.Page(Channel.Phone, 3, null);
        Assert.False(phonesExact);
        Assert.Equal([Utc(2024, 1, 6), Utc(2024, 1, 4)], phones.Select(i => i.StartedAt));
    }

    [Fact]
    public void A_late_arrival_does_not_rename_and_phones_are_kept_once()
    {
        var history = new CustomerHistory(Customer, capacity: 5);
        history.Record(Make(Customer, Channel.Phone, Utc(2024, 2, 2), name: "Ana Souza", phone: "71999"));
        history.Record(Make(Customer, Channel.Phone, Utc(2024, 2, 1), name: "Ana S.", phone: "71999"));
        history.Record(Make(Customer, Channel.Phone, Utc(2024, 2, 3), phone: "71888"));
        Assert.Equal("Ana Souza", history.Name);
        Assert.Equal(["71999", "71888"], history.Phones);
        Assert.All(history.ToSnapshot().Recent, i => Assert.Null(i.Name));
    }

    [Fact]
    public void A_snapshot_round_trips_and_replay_continues_the_log()
    {
        var history = new CustomerHistory(Customer, capacity: 3);
        foreach (var day in new[] { 1, 2, 3, 4 })
            history.Record(At(day, day == 4 ? Channel.WhatsApp : Channel.Chat));

        var restored = CustomerHistory.FromSnapshot(Customer, 3, history.ToSnapshot());
        restored.Replay(new LoggedInteraction(5, At(5, Channel.Email)));

        Assert.Equal(5, restored.LogPosition);
        Assert.Equal(5, restored.TotalContacts);
        Assert.Equal([3, 1, 1], new[] { Channel.Chat, Channel.WhatsApp, Channel.Email }.Select(restored.CountOn));
        Assert.Equal([Utc(2024, 1, 5), Utc(2024, 1, 4), Utc(2024, 1, 3)], restored.ToSnapshot().Recent.Select(i => i.StartedAt));
        Assert.Equal(6, restored.Record(At(6)));
    }

    [Fact]
    public void Window_entries_share_their_repeated_texts()
    {
        var a = new CustomerHistory("a@example.com", 5);
        var b = new CustomerHistory("b@example.com", 5);
        a.Record(Make("a@example.com", Channel.Chat, Utc(2024, 1, 1), agent: new string("Maria".ToCharArray())));
        b.Record(Make("b@example.com", Channel.Chat, Utc(2024, 1, 1), agent: new string("Maria".ToCharArray())));
        Assert.Same(a.Last!.Agent, b.Last!.Agent);
    }

    [Fact]
    public void A_window_entry_gives_back_every_field_but_name_and_phone()
    {
        var original = new Interaction
        {
            Id = InteractionIdentity.Compute(Customer, Channel.Phone, Utc(2024, 3, 1, 12), "URA-77"),
            SourceId = "URA-77",
            CustomerId = Customer,
            Channel = Channel.Phone,
            StartedAt = Utc(2024, 3, 1, 12).AddMilliseconds(345),
            EndedAt = Utc(2024, 3, 1, 12).AddMinutes(7),
            Name = "Ana Souza",
            Phone = "71999990000",
            Agent = "Maria",
            Status = "Atendida",
            Queue = "Reembolso",
            Classification = "Passagem",
            SubClassification = "Cancelamento",
            FeedbackScore = 0,
            FeedbackComment = "ótimo",
            WaitSeconds = 0,
            HandleSeconds = 420,
            Source = "phone-export",
            SourceDetail = "Loja 12",
        };
        var history = new CustomerHistory(Customer, capacity: 5);
        history.Record(original);
        history.Record(Make(Customer, Channel.Email, Utc(2024, 3, 2)));

        // Zero is a value, not "none"; the window drops only what the profile holds once (name, phones).
        Assert.Equal(original with { Name = null, Phone = null }, history.ToSnapshot().Recent[1]);
        var bare = Make(Customer, Channel.Email, Utc(2024, 3, 2));
        Assert.Equal(bare with { Name = null, Phone = null }, history.ToSnapshot().Recent[0]);
        Assert.Null(history.ToSnapshot().Recent[0].FeedbackScore);
    }

    [Fact]
    public void Texts_too_long_to_pool_come_back_whole_beside_pooled_ones()
    {
        // Texts over 64 characters are not pooled: the entry keeps them itself, with the feedback comment.
        var longAgent = new string('a', 65);
        var longDetail = "Origem: " + new string('x', 200);
        var original = Make(Customer, Channel.Phone, Utc(2024, 3, 1, 9), sourceId: "URA-1", agent: longAgent, score: 7) with
        {
            Status = "Atendida",
            Queue = new string('q', 64), // exactly at the bound: pooled
            FeedbackComment = "demorou",
            SourceDetail = longDetail,
        };
        var plain = Make(Customer, Channel.Chat, Utc(2024, 3, 2), agent: "Maria");
        var history = new CustomerHistory(Customer, capacity: 5);
        history.Record(original);
        history.Record(plain);

        Assert.Equal(plain, history.ToSnapshot().Recent[0]);
        Assert.Equal(original, history.ToSnapshot().Recent[1]);
        Assert.Equal(longAgent, history.ToSnapshot().Recent[1].Agent);
        Assert.Equal(longDetail, history.ToSnapshot().Recent[1].SourceDetail);
        Assert.Equal("demorou", history.ToSnapshot().Recent[1].FeedbackComment);
    }

    [Fact]
    public void A_window_growing_one_entry_at_a_time_keeps_exactly_the_newest_in_order()
    {
        // 300 interactions in a shuffled order, some starting at the same instant, into a window of 120.
        var random = new Random(7);
        var all = Enumerable.Range(0, 300)
            .Select(n => Make(Customer, (Channel)(n % 4), Utc(2024, 1, 1).AddMinutes(n / 3), sourceId: $"S-{n}"))
            .OrderBy(_ => random.Next())
            .ToList();
        var history = new CustomerHistory(Customer, capacity: 120);
        foreach (var interaction in all)
            history.Record(interaction);

        var expected = all
            .OrderByDescending(i => i.StartedAt)
            .ThenByDescending(i => i.Id, StringComparer.Ordinal)
            .Take(120)
            .Select(i => i.Id);
        Assert.Equal(expected, history.ToSnapshot().Recent.Select(i => i.Id));
        Assert.Equal(300, history.TotalContacts);
        Assert.Equal(75, history.CountOn(Channel.Email));
        Assert.All(all, i => Assert.Equal(expected.Contains(i.Id), history.Contains(i.Id)));
    }

    [Fact]
    public void Phones_are_kept_once_each_in_first_seen_order_and_survive_a_snapshot()
    {
        var history = new CustomerHistory(Customer, capacity: 5);
        history.Record(Make(Customer, Channel.Phone, Utc(2024, 2, 1), phone: "71999990000"));
        Assert.Equal("71999990000", history.ToCustomerRow().Phones);
        history.Record(Make(Customer, Channel.Phone, Utc(2024, 2, 2), phone: "11988887777"));
        history.Record(Make(Customer, Channel.Phone, Utc(2024, 2, 3), phone: "71999990000"));
        history.Record(Make(Customer, Channel.Chat, Utc(2024, 2, 4)));

        Assert.Equal(["71999990000", "11988887777"], history.Phones);
        Assert.Equal("71999990000,11988887777", history.ToCustomerRow().Phones);
        var restored = CustomerHistory.FromSnapshot(Customer, 5, history.ToSnapshot());
        Assert.Equal(["71999990000", "11988887777"], restored.Phones);
        Assert.Equal("71999990000,11988887777", restored.ToCustomerRow().Phones);
        Assert.Empty(new CustomerHistory(Customer, 5).Phones);
    }

    [Fact]
    public void A_window_restored_at_a_raised_capacity_keeps_no_gap_and_says_what_it_does_not_cover()
    {
        var history = new CustomerHistory(Customer, capacity: 3);
        foreach (var day in Enumerable.Range(1, 10))
            history.Record(At(day));
        var restored = CustomerHistory.FromSnapshot(Customer, 5, history.ToSnapshot());

        // Days 1-7 are only in the table: a later arrival older than day 8 cannot join the window without a gap.
        restored.Record(Make(Customer, Channel.Chat, Utc(2024, 1, 2, 12)));
        Assert.Equal([Utc(2024, 1, 10), Utc(2024, 1, 9), Utc(2024, 1, 8)], restored.ToSnapshot().Recent.Select(i => i.StartedAt));
        Assert.Equal(11, restored.TotalContacts);
        Assert.False(restored.Covers(Utc(2024, 1, 2, 12)));
        Assert.True(restored.MayHaveLoggedElsewhere(At(5)));

        // A newer one does join: the window is partial without being full.
        restored.Record(At(11));
        Assert.Equal([Utc(2024, 1, 11), Utc(2024, 1, 10), Utc(2024, 1, 9), Utc(2024, 1, 8)], restored.ToSnapshot().Recent.Select(i => i.StartedAt));
        Assert.True(restored.Covers(Utc(2024, 1, 8)));
        Assert.False(restored.Covers(Utc(2024, 1, 7)));
        Assert.Equal(3, restored.Count(new ContactWindow(Utc(2024, 1, 8), Utc(2024, 1, 31)), null));
        Assert.True(restored.MayHaveLoggedElsewhere(At(8)));
        Assert.False(restored.MayHaveLoggedElsewhere(At(12)));
        var (page, exact) = restored.Page(null, 10, null);
        Assert.Equal(4, page.Count);
        Assert.False(exact);
    }

    [Fact]
    public void Entries_starting_together_are_ordered_by_id_as_the_table_orders_them()
    {
        var history = new CustomerHistory(Customer, capacity: 10);
        var sameTime = Enumerable.Range(0, 6)
            .Select(n => Make(Customer, Channel.Chat, Utc(2024, 4, 1), sourceId: $"CHAT-{n}"))
            .ToList();
        foreach (var interaction in sameTime)
            history.Record(interaction);

        // Newest first by (startedAt, id), ids compared ordinally as strings: the order of ReadPageAsync's ORDER BY.
        var expected = sameTime.Select(i => i.Id).OrderByDescending(id => id, StringComparer.Ordinal);
        Assert.Equal(expected, history.ToSnapshot().Recent.Select(i => i.Id));

        // A cursor at the third entry pages on from the fourth.
        var third = history.ToSnapshot().Recent[2];
        var (page, exact) = history.Page(null, 10, new InteractionCursor(third.StartedAt, third.Id));
        Assert.True(exact);
        Assert.Equal(expected.Skip(3), page.Select(i => i.Id));
    }

    [Theory]
    [InlineData("not-a-hash")]
    [InlineData("0123456789ABCDEF0123456789abcdef")] // upper case is not what the identity produces
    [InlineData("0123456789abcdef0123456789abcdeg")]
    public void An_id_that_is_not_an_identity_hash_is_refused_and_changes_nothing(string id)
    {
        var history = new CustomerHistory(Customer, capacity: 5);
        history.Record(At(1));
        Assert.Throws<ArgumentException>(() => history.Record(At(2) with { Id = id }));
        Assert.Equal(1, history.TotalContacts);
        Assert.Equal(1, history.LogPosition);
        Assert.False(history.Contains(id));
    }
}
