using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using static CxActors.Tests.Infrastructure.CanonicalBodies;

namespace CxActors.Tests;

/// <summary>
/// No e-mail or phone in any log line, from any category: the redactor's rules, and a silo with the console JSON formatter
/// whose framework lines (ASP.NET Core's request line for /privacy/customers/{e-mail}) are there, redacted.
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
    [InlineData("Connection id \"0HNQDVHVR4O1V\", Request id \"0HNQDVHVR4O1V:00000001\": started", "Connection id \"0HNQDVHVR4O1V\", Request id \"0HNQDVHVR4O1V:00000001\": started")]
    // An Orleans silo address with its generation after '@' is no e-mail; a local part before a digit-only domain still is.
    [InlineData("sys.svc.user.5433B077/127.0.0.1:11091@154962485 not active", "sys.svc.user.5433B077/127.0.0.1:11091@154962485 not active")]
    [InlineData("maria@154962485", "[email]")]
    [InlineData("5571988776655@example.com", "[email]")]
    // ...but a phone after a colon is still a phone.
    [InlineData("callback:5571988776655 from 0HNQDVHVR4O1V:0000000A", "callback:[phone] from 0HNQDVHVR4O1V:0000000A")]
    [InlineData("5571988776655:00000001", "[phone]:[phone]")]
    public void E_mails_and_phones_are_redacted_and_other_text_is_kept(string text, string expected) =>
        Assert.Equal(expected, CxActors.ServiceDefaults.PersonalDataRedactor.Redact(text));

    [Fact]
    public async Task Framework_lines_naming_a_customer_are_logged_without_the_e_mail()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, new Dictionary<string, string>
        {
            ["Logging:Console:FormatterName"] = "json",
            // ASP.NET Core's request lines print the path and query, and every line of a request has the path as a scope.
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            ["Logging:LogLevel:Orleans"] = "Information",
            ["Ingest:RetryBudget"] = "00:00:01",
        });
        var run = Guid.NewGuid().ToString("N")[..10];
        var customer = $"maria.redacted.{run}@example.com.br";
        var (status, _) = await PostAsync(silo.Http, [Record(customer, "EMAIL", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc))]);
        Assert.Equal(200, status);
        using (var export = await silo.Http.GetAsync("/privacy/customers/" + Uri.EscapeDataString(customer)))
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        // Then a grain that cannot activate (its tombstone table is gone): whatever Orleans logs of it names no one.
        await database.ExecuteAsync("RENAME TABLE customer_tombstones TO customer_tombstones_away");
        var other = $"joao.redacted.{run}@example.com";
        await PostAsync(silo.Http, [Record(other, "CHAT", new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc))]);

        List<JsonObject> hostingLines = [];
        for (var attempt = 0; attempt < 50 && hostingLines.Count == 0; attempt++)
        {
            await Task.Delay(100);
            hostingLines = [.. silo.OutputLines.Select(Json).OfType<JsonObject>()
                .Where(line => line["Category"]?.GetValue<string>() == "Microsoft.AspNetCore.Hosting.Diagnostics"
                    && line["Message"]?.GetValue<string>().Contains("/privacy/customers/" + PersonalDataRedactorEmail, StringComparison.Ordinal) == true)];
        }
        Assert.True(hostingLines.Count > 0, "ASP.NET Core logged no request line for the export:\n" + silo.Output);

        var everything = string.Join('\n', silo.OutputLines);
        foreach (var secret in new[] { customer, customer.Split('@')[0], other, other.Split('@')[0], Uri.EscapeDataString(customer) })
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
