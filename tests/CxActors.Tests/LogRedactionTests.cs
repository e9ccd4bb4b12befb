using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>
/// No e-mail or phone in any log line, Orleans' own included: a customer grain that cannot activate (its storage table
/// is gone) makes Orleans log the grain's id, an e-mail, with the console JSON formatter; the line is there, redacted.
/// </summary>
public sealed class LogRedactionTests
{
    private const string PersonalDataRedactorEmail = "[email]";

    [Theory]
    [InlineData("Error activating grain customer/ana.souza@example.com.br: storage", "Error activating grain customer/[email]: storage")]
    [InlineData("GET /privacy/customers/ana%40example.com?x=1", "GET /privacy/customers/[email]?x=1")]
    [InlineData("{\"customer\":\"Joao+vip@Exemplo.COM\",\"phone\":\"+55 71 98877-6655\"}", "{\"customer\":\"[email]\",\"phone\":\"[phone]\"}")]
    [InlineData("phone 5571988776655, (71) 98877-6655 and 98877-6655; \"phone\":7199999999", "phone [phone], [phone] and [phone]; \"phone\":[phone]")]
    // Kept: silo addresses, times, durations, dates, small numbers, hex ids, versions.
    [InlineData("S127.0.0.1:11111:123456789 took 00:00:01.2345678 at 2024-03-01 10:00:00.123 for 1234567 rows",
        "S127.0.0.1:11111:123456789 took 00:00:01.2345678 at 2024-03-01 10:00:00.123 for 1234567 rows")]
    [InlineData("trace 4bf92f3577b34da6a3ce929d0e0e4736 version 10.4.2 id 3fa85f64", "trace 4bf92f3577b34da6a3ce929d0e0e4736 version 10.4.2 id 3fa85f64")]
    public void E_mails_and_phones_are_redacted_and_other_text_is_kept(string text, string expected) =>
        Assert.Equal(expected, CxActors.ServiceDefaults.PersonalDataRedactor.Redact(text));

    [Fact]
    public async Task Orleans_lines_naming_an_e_mail_keyed_grain_are_logged_without_the_e_mail()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, new Dictionary<string, string>
        {
            ["Logging:Console:FormatterName"] = "json",
            ["Ingest:RetryBudget"] = "00:00:01",
        });
        var run = Guid.NewGuid().ToString("N")[..10];
        var warm = $"warm.{run}@example.com";
        var (status, _) = await PostAsync(silo.Http, [Record(warm, "EMAIL", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc))]);
        Assert.Equal(200, status);

        // A new customer's grain reads its state on activation: without the table, activation fails and Orleans logs it.
        await database.ExecuteAsync("RENAME TABLE OrleansStorage TO OrleansStorage_away");
        var customer = $"maria.redacted.{run}@example.com.br";
        const string phone = "5571988776655";
        var record = Record(customer, "CHAT", new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        record["phone"] = phone;
        (status, _) = await PostAsync(silo.Http, [record]);
        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, status);
        using (var response = await silo.Http.PostAsync("/graphql",
            new StringContent(JsonSerializer.Serialize(new { query = $"{{ customer(id: \"{customer}\") {{ name }} }}" }), System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, response.StatusCode.ToString());
        }

        List<JsonObject> orleansLines = [];
        for (var attempt = 0; attempt < 50 && orleansLines.Count == 0; attempt++)
        {
            await Task.Delay(100);
            orleansLines = [.. silo.OutputLines.Select(Json).OfType<JsonObject>()
                .Where(line => line["Category"]?.GetValue<string>().StartsWith("Orleans", StringComparison.Ordinal) == true
                    && line.ToJsonString().Contains(PersonalDataRedactorEmail, StringComparison.Ordinal))];
        }
        Assert.True(orleansLines.Count > 0, "Orleans logged no line with a redacted e-mail:\n" + silo.Output);

        var everything = string.Join('\n', silo.OutputLines);
        foreach (var secret in new[] { customer, customer.Split('@')[0], warm, phone, Uri.EscapeDataString(customer) })
            Assert.False(everything.Contains(secret, StringComparison.OrdinalIgnoreCase), $"'{secret}' is in the log:\n{everything}");
    }

    private static JsonNode? Json(string line)
    {
        try
        {
            return line.StartsWith('{') ? JsonNode.Parse(line) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
