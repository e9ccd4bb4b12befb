using static CxActors.Tests.Infrastructure.Interactions;

namespace CxActors.Tests;

/// <summary>The analysts' views over what the grains projected, with times relative to the server's UTC now.</summary>
[Collection(CustomerClusterCollection.Name)]
public sealed class ReportingViewTests(CustomerClusterFixture fixture)
{
    [Fact]
    public async Task The_three_views_answer_the_standing_questions()
    {
        var customer = NewCustomer();
        var now = DateTime.UtcNow;
        var grain = fixture.Cluster.GrainFactory.GetGrain<ICustomerGrain>(customer);
        await grain.RecordAsync(
        [
            Make(customer, Channel.Phone, now.AddHours(-30)),   // older than 24 h
            Make(customer, Channel.Chat, now.AddHours(-23)),
            Make(customer, Channel.Chat, now.AddHours(-2), agent: "Maria"),
            Make(customer, Channel.WhatsApp, now.AddMinutes(-10), agent: "Antônia"),
            Make(customer, Channel.Email, now.AddMinutes(30)),  // in the future (allowed up to 1 h): not "in the last 24 h"
        ]);
        // The latest contact is the future-dated e-mail; the newest one that already happened is the WhatsApp chat.
        Assert.Equal("3", await fixture.Database.TextAsync("SELECT contacts FROM v_contacts_last_24h WHERE customer_id = @c", ("@c", customer)));
        Assert.Equal("CHAT|2\nEMAIL|1\nPHONE|1\nWHATSAPP|1", await fixture.Database.TextAsync(
            "SELECT channel, interactions FROM v_interactions_by_channel WHERE customer_id = @c ORDER BY channel", ("@c", customer)));
        var last = Make(customer, Channel.Email, now.AddMinutes(30));
        Assert.Equal($"EMAIL|{last.StartedAt:yyyy-MM-dd HH:mm:ss.fff}|{last.Id}", await fixture.Database.TextAsync(
            "SELECT channel, started_at, interaction_id FROM v_last_interaction WHERE customer_id = @c", ("@c", customer)));
    }
}
