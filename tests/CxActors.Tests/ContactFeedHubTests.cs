using System.Diagnostics.Metrics;
using CxActors.Api.Live;
using CxActors.Database;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CxActors.Tests;

/// <summary>How a silo's hub hands a committed batch to its subscriptions, in process (no grain is called).</summary>
public sealed class ContactFeedHubTests
{
    private static readonly DateTime T0 = new(2024, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Each_interaction_reaches_exactly_the_matching_subscriptions_as_one_event_with_one_customer_node()
    {
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        // No grain is called: a customer node asks its grain only when a profile field is resolved.
        var hub = new ContactFeedHub(null!, Options.Create(new LiveOptions()), new CxMetrics(services.GetRequiredService<IMeterFactory>()),
            NullLogger<ContactFeedHub>.Instance);
        var subscribers = new Dictionary<string, (string? Customer, Channel? Channel)>
        {
            ["all"] = (null, null),
            ["all again"] = (null, null),
            ["ana"] = (" ANA@example.com ", null),
            ["chat"] = (null, Channel.Chat),
            ["bob chat"] = ("bob@example.com", Channel.Chat),
        };
        var received = subscribers.Keys.ToDictionary(k => k, _ => new List<ContactEvent>());
        var subscriptions = subscribers.Select(s => hub.Open(s.Value.Customer, s.Value.Channel, null).Subscribe(new Collector(received[s.Key]))).ToList();
        Assert.Equal(subscribers.Count, hub.Count);

        Interaction[] interactions =
        [
            Contact("ana@example.com", Channel.Phone, 0, "a1"),
            Contact("ana@example.com", Channel.Chat, 1, "a2"),
            Contact("bob@example.com", Channel.Chat, 2, "b1"),
            Contact("carol@example.com", Channel.Email, 3, "c1"),
        ];
        await hub.ContactsCommittedAsync(new ContactBatch { Interactions = interactions, CommittedAt = T0 });

        // Brute force: each subscriber's filter applied to each interaction.
        foreach (var (name, (customer, channel)) in subscribers)
        {
            var expected = interactions.Where(i => (customer is null || CustomerIds.Normalize(customer) == i.CustomerId) && (channel is null || channel == i.Channel));
            Assert.Equal(expected.Select(i => i.SourceId), received[name].Select(e => e.Interaction.SourceId));
        }
        // Every subscriber of an interaction got the same event, so one node: its profile is fetched once, not per subscriber.
        foreach (var interaction in interactions)
        {
            var events = received.Values.SelectMany(r => r).Where(e => ReferenceEquals(e.Interaction, interaction)).ToList();
            Assert.NotEmpty(events);
            Assert.All(events, e => Assert.Same(events[0].Customer, e.Customer));
            Assert.Equal(interaction.CustomerId, events[0].Customer.Id);
        }
        var nodes = received.Values.SelectMany(r => r).Select(e => e.Customer).Distinct().Count();
        Assert.Equal(interactions.Length, nodes);

        // Closed subscriptions get nothing more.
        var delivered = received.Values.Sum(r => r.Count);
        foreach (var subscription in subscriptions)
            subscription.Dispose();
        Assert.Equal(0, hub.Count);
        await hub.ContactsCommittedAsync(new ContactBatch { Interactions = interactions, CommittedAt = T0 });
        Assert.Equal(delivered, received.Values.Sum(r => r.Count));
    }

    private static Interaction Contact(string customer, Channel channel, int minute, string sourceId) =>
        Infrastructure.Interactions.Make(customer, channel, T0.AddMinutes(minute), sourceId);

    private sealed class Collector(List<ContactEvent> events) : IObserver<ContactEvent>
    {
        public void OnNext(ContactEvent value) => events.Add(value);

        public void OnError(Exception error) => throw error;

        public void OnCompleted()
        {
        }
    }
}
