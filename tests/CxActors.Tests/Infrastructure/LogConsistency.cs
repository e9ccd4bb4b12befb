namespace CxActors.Tests.Infrastructure;

/// <summary>The customers table against a GROUP BY over the log: the lines where they differ (empty when equal).</summary>
public static class LogConsistency
{
    private const string Aggregates =
        "SELECT customer_id, COUNT(*) AS n, SUM(channel = 'PHONE') AS p, SUM(channel = 'CHAT') AS c, SUM(channel = 'WHATSAPP') AS w, " +
        "SUM(channel = 'EMAIL') AS e, MIN(started_at) AS f, MAX(started_at) AS l FROM interactions GROUP BY customer_id";

    public static Task<string> MismatchesAsync(TestDatabase db) => db.TextAsync(
        $"SELECT c.customer_id, c.total_contacts, g.n FROM customers c LEFT JOIN ({Aggregates}) g ON g.customer_id = c.customer_id " +
        "WHERE g.n IS NULL OR c.total_contacts <> g.n OR c.phone_contacts <> g.p OR c.chat_contacts <> g.c OR c.whatsapp_contacts <> g.w " +
        "OR c.email_contacts <> g.e OR c.first_contact_at <> g.f OR c.last_contact_at <> g.l " +
        $"UNION ALL SELECT g.customer_id, NULL, g.n FROM ({Aggregates}) g LEFT JOIN customers c ON c.customer_id = g.customer_id WHERE c.customer_id IS NULL");
}
