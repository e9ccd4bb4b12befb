using System.Globalization;
using MySqlConnector;
using static CxActors.Api.Tests.Repeats.ResolutionReference;

namespace CxActors.Api.Tests.Repeats;

/// <summary>
/// v_repeat_contacts and v_resolution_daily (W = 24 h, as of the server's now) against the reference, over rows written
/// straight into a database of their own around the real now (some in the future, which do not exist yet).
/// </summary>
public sealed class ResolutionViewTests
{
    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public async Task The_views_match_the_definitions(int seed)
    {
        await using var database = await TestDatabase.CreateAsync();
        var random = new Random(seed);
        var now = DateTime.UtcNow;
        var w = TimeSpan.FromHours(24);
        var contacts = new List<RefContact>();
        var origin = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddDays(-4);
        for (var k = 0; k < 8; k++)
        {
            var customer = $"v{k}@example.com";
            for (var j = random.Next(1, 16); j > 0; j--)
            {
                // On a 6-hour grid with ±1 ms neighbours, up to 2 h into the future; never within minutes of now or of
                // now - 24 h, so that the test's now and the view's agree on every contact.
                var startedAt = origin + TimeSpan.FromHours(6) * random.Next(0, 18) + TimeSpan.FromMinutes(random.Next(3) * 55)
                    + TimeSpan.FromMilliseconds(random.Next(-1, 2));
                if (Near(startedAt, now) || Near(startedAt + w, now))
                    continue;
                var id = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Guid.NewGuid().ToByteArray()));
                contacts.Add(new RefContact(customer, id, (Channel)random.Next(4), startedAt));
            }
        }
        // Equal times on purpose: copies of some contacts at the same instant with other ids and channels.
        contacts.AddRange(contacts.Where(_ => random.Next(4) == 0).ToList().Select(c => c with
        {
            Id = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Guid.NewGuid().ToByteArray())),
            Channel = (Channel)random.Next(4),
        }));
        await InsertAsync(database, contacts);

        var expectedRepeats = contacts.Select(c => (Contact: c, Previous: Predecessor(contacts, c, w)))
            .Where(x => x.Previous is not null)
            .OrderBy(x => x.Contact.Customer, StringComparer.Ordinal).ThenBy(x => x.Contact.StartedAt).ThenBy(x => x.Contact.Id, StringComparer.Ordinal)
            .Select(x => string.Join('|', x.Contact.Customer, x.Contact.Id, Sql(x.Contact.StartedAt), x.Contact.Channel.ToCode(), x.Previous!.Id,
                Sql(x.Previous.StartedAt), x.Previous.Channel.ToCode(),
                (x.Contact.StartedAt - x.Previous.StartedAt).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(expectedRepeats, (await database.RowsAsync(
                "SELECT customer_id, interaction_id, started_at, channel, previous_interaction_id, previous_started_at, previous_channel, gap_seconds " +
                "FROM v_repeat_contacts ORDER BY customer_id, started_at, interaction_id"))
            .Select(r => string.Join('|', r)).ToList());

        var asOf = DateTime.UtcNow;
        var expectedDaily = contacts.Where(c => c.StartedAt <= asOf)
            .GroupBy(c => (c.StartedAt.Date, c.Channel))
            .OrderBy(g => g.Key.Date).ThenBy(g => g.Key.Channel)
            .Select(g =>
            {
                var resolutions = g.Select(c => ResolutionAsOf(contacts, c, w, asOf)).ToList();
                return string.Join('|', g.Key.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), g.Key.Channel.ToCode(), g.Count(),
                    g.Count(c => IsRepeat(contacts, c, w)), g.Count(c => IsChannelSwitch(contacts, c, w)),
                    resolutions.Count(r => r == "RESOLVED"), resolutions.Count(r => r == "REPEATED"), resolutions.Count(r => r == "OPEN"));
            })
            .ToList();
        Assert.Equal(expectedDaily, (await database.RowsAsync(
                "SELECT DATE_FORMAT(day, '%Y-%m-%d'), channel, contacts, repeats, channel_switches, resolved, repeated, `open` FROM v_resolution_daily " +
                "ORDER BY day, FIELD(channel, 'PHONE', 'CHAT', 'WHATSAPP', 'EMAIL')"))
            .Select(r => string.Join('|', r)).ToList());
        Assert.Contains(expectedDaily, line => !line.EndsWith("|0", StringComparison.Ordinal)); // some contacts are still open
    }

    private static bool Near(DateTime instant, DateTime now) => instant > now - TimeSpan.FromMinutes(2) && instant < now + TimeSpan.FromMinutes(10);

    private static string Sql(DateTime instant) => instant.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static async Task InsertAsync(TestDatabase database, List<RefContact> contacts)
    {
        await using var connection = new MySqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var seq = 0;
        foreach (var c in contacts)
        {
            await using var command = new MySqlCommand(
                "INSERT INTO interactions (customer_id, customer_seq, interaction_id, channel, started_at, source, ingested_at) " +
                "VALUES (@customer, @seq, @id, @channel, @started, 'api', UTC_TIMESTAMP(3))", connection);
            command.Parameters.AddWithValue("@customer", c.Customer);
            command.Parameters.AddWithValue("@seq", ++seq);
            command.Parameters.AddWithValue("@id", c.Id);
            command.Parameters.AddWithValue("@channel", c.Channel.ToCode());
            command.Parameters.AddWithValue("@started", c.StartedAt);
            await command.ExecuteNonQueryAsync();
        }
    }
}
