using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>
/// Ingest racing with an erasure against a real silo: afterwards nothing of the customer is left from before the
/// erasure (no interactions, no customers row, no phone link, no snapshot), only records that started after it, and
/// customers equals the log.
/// </summary>
public sealed class PrivacyRaceTests
{
    [Fact]
    public async Task Concurrent_ingest_and_erase_leave_no_partial_profile()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(db.ConnectionString);
        for (var round = 0; round < 3; round++)
        {
            var customer = Interactions.NewCustomer();
            var phone = "+55719" + Random.Shared.NextInt64(10_000_000, 99_999_999); // E.164: the form the link is stored in
            using var stop = new CancellationTokenSource();
            var statuses = new List<int>();
            var refused = 0;
            var senders = Enumerable.Range(0, 3).Select(sender => Task.Run(async () =>
            {
                for (var iteration = 0; !stop.IsCancellationRequested; iteration++)
                {
                    var records = new List<JsonObject>();
                    for (var k = 0; k < 40; k++)
                    {
                        var record = Record(customer, "PHONE", Interactions.Utc(2024, 1, 1).AddMinutes(sender * 100_000 + iteration * 50 + k), $"r{sender}-{iteration}-{k}");
                        if (k == 0)
                            record["phone"] = phone;
                        records.Add(record);
                    }
                    // Phone-only records, a re-delivery, a record started "now" (before or after the erasure), bystanders.
                    records.Add(new JsonObject { ["phone"] = phone, ["channel"] = "WHATSAPP", ["startedAt"] = Interactions.Utc(2024, 6, 1).AddMinutes(sender * 1000 + iteration).ToString("O"), ["id"] = $"w{sender}-{iteration}" });
                    records.Add(Record(customer, "CHAT", Interactions.Utc(2024, 1, 1), "same"));
                    records.Add(Record(customer, "EMAIL", DateTime.UtcNow, $"now{sender}-{iteration}"));
                    for (var k = 0; k < 20; k++)
                        records.Add(Record($"by{round}.{sender}.{k}@example.com", "CHAT", Interactions.Utc(2024, 2, 1).AddMinutes(iteration), $"b{iteration}"));
                    var (status, answer) = await PostAsync(silo.Http, records);
                    lock (statuses)
                    {
                        statuses.Add(status);
                        refused += answer.Rejected.Count(r => r.Reason == "customer erased");
                    }
                }
            })).ToList();

            await Task.Delay(400 + 300 * round);
            using var response = await silo.Http.DeleteAsync("/privacy/customers/" + customer);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var erased = await response.Content.ReadFromJsonAsync<JsonElement>();
            var erasedAt = erased.GetProperty("erasedAt").GetDateTime().ToUniversalTime();
            await Task.Delay(800);
            await stop.CancelAsync();
            await Task.WhenAll(senders);

            Assert.All(statuses, s => Assert.Equal(200, s));
            Assert.True(erased.GetProperty("interactions").GetInt32() > 0, "the erasure raced with nothing");
            Assert.True(refused > 0, "no record was refused after the erasure");
            // Nothing from before the erasure; whatever remains started after it, with a customers row equal to it.
            Assert.Equal(0, await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id = @c AND started_at <= @at", ("@c", customer), ("@at", erasedAt)));
            var remaining = await db.ScalarAsync<int>("SELECT COUNT(*) FROM interactions WHERE customer_id = @c", ("@c", customer));
            Assert.Equal(remaining == 0 ? 0 : 1, await db.ScalarAsync<int>("SELECT COUNT(*) FROM customers WHERE customer_id = @c", ("@c", customer)));
            Assert.Equal(0, await db.ScalarAsync<int>("SELECT COUNT(*) FROM customer_phones WHERE customer_id = @c OR phone = @p", ("@c", customer), ("@p", phone)));
            if (remaining == 0)
                Assert.Equal(0, await db.ScalarAsync<int>("SELECT COUNT(*) FROM OrleansStorage WHERE GrainIdExtensionString = @c", ("@c", customer)));
            Assert.Equal(0, await db.ScalarAsync<int>("SELECT COUNT(*) FROM ingest_rejections WHERE raw_record LIKE @c", ("@c", $"%{customer}%")));
            Assert.Equal("", await LogConsistency.MismatchesAsync(db));
        }
    }
}
