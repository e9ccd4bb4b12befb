using CxActors.Database;
using MySqlConnector;

namespace CxActors.Tests;

/// <summary>What reaches a log line of a storage failure: never the data MySQL's message quotes.</summary>
public sealed class RedactedExceptionTests
{
    [Fact]
    public async Task A_duplicate_key_error_is_logged_with_its_number_and_stack_but_without_the_email_it_quotes()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync("INSERT INTO customer_phones (phone, customer_id, linked_at) VALUES ('71999990000', 'secret.person@example.com', UTC_TIMESTAMP(3))");
        var failure = await Assert.ThrowsAsync<MySqlException>(() =>
            db.ExecuteAsync("INSERT INTO customer_phones (phone, customer_id, linked_at) VALUES ('71999990000', 'secret.person@example.com', UTC_TIMESTAMP(3))"));
        Assert.Contains("71999990000", failure.Message); // MySQL quotes the value...

        var logged = RedactedException.Of(new InvalidOperationException("wrapper with ana@example.com", failure));
        var text = logged.ToString();
        Assert.DoesNotContain("71999990000", text); // ...the log line does not
        Assert.DoesNotContain("example.com", text);
        Assert.Contains("MySqlException 1062 (23000, DuplicateKeyEntry)", text);
        Assert.Equal("System.InvalidOperationException", logged.Message);
        Assert.Equal(failure.StackTrace, logged.InnerException!.StackTrace);
    }

    [Fact]
    public void Our_own_messages_and_transport_failures_keep_their_text()
    {
        Assert.Equal("CustomerUnavailableException: The customer's history is reloading; retry.",
            RedactedException.Of(new CustomerUnavailableException("The customer's history is reloading; retry.")).Message);
        Assert.Equal("TimeoutException: deadline", RedactedException.Of(new TimeoutException("deadline")).Message);
    }
}
