namespace CxActors.Tests.Infrastructure;

/// <summary>
/// The tables the log writer keeps in step with the log, against a GROUP BY over it: the customers table and the
/// hourly contact rollups. The lines where they differ (empty when equal).
/// </summary>
public static class LogConsistency
{
    private const string Aggregates =
        "SELECT customer_id, COUNT(*) AS n, SUM(channel = 'PHONE') AS p, SUM(channel = 'CHAT') AS c, SUM(channel = 'WHATSAPP') AS w, " +
        "SUM(channel = 'EMAIL') AS e, MIN(started_at) AS f, MAX(started_at) AS l FROM interactions GROUP BY customer_id";

    // The hour truncated in SQL here, independently of the writer's own truncation (in C#).
    private const string Hourly =
        "SELECT CAST(DATE_FORMAT(started_at, '%Y-%m-%d %H:00:00') AS DATETIME) AS hour, channel, COUNT(*) AS n FROM interactions GROUP BY 1, 2";

    public static async Task<string> MismatchesAsync(TestDatabase db) =>
        (await CustomerMismatchesAsync(db) + "\n" + await RollupMismatchesAsync(db)).Trim('\n');

    public static Task<string> CustomerMismatchesAsync(TestDatabase db) => db.TextAsync(
        $"SELECT c.customer_id, c.total_contacts, g.n FROM customers c LEFT JOIN ({Aggregates}) g ON g.customer_id = c.customer_id " +
        "WHERE g.n IS NULL OR c.total_contacts <> g.n OR c.phone_contacts <> g.p OR c.chat_contacts <> g.c OR c.whatsapp_contacts <> g.w " +
        "OR c.email_contacts <> g.e OR c.first_contact_at <> g.f OR c.last_contact_at <> g.l " +
        $"UNION ALL SELECT g.customer_id, NULL, g.n FROM ({Aggregates}) g LEFT JOIN customers c ON c.customer_id = g.customer_id WHERE c.customer_id IS NULL");

    /// <summary>contact_stats_hourly against the log: a row per (hour, channel) with contacts, and no other row but zeros.</summary>
    public static Task<string> RollupMismatchesAsync(TestDatabase db) => db.TextAsync(
        $"SELECT 'rollup', g.hour, g.channel, g.n, s.contacts FROM ({Hourly}) g LEFT JOIN contact_stats_hourly s ON s.hour = g.hour AND s.channel = g.channel " +
        "WHERE s.contacts IS NULL OR s.contacts <> g.n " +
        $"UNION ALL SELECT 'rollup', s.hour, s.channel, NULL, s.contacts FROM contact_stats_hourly s LEFT JOIN ({Hourly}) g ON g.hour = s.hour AND g.channel = s.channel " +
        "WHERE g.n IS NULL AND s.contacts <> 0");
}
