using System.Text.Json;

namespace CxActors.Bench.Parts;

/// <summary>stats_query_ms and its same-run SQL reference; <see cref="Agree"/> says whether both gave the same buckets.</summary>
public sealed record StatsResult(double QueryMs, double SqlMs, int Buckets, bool Agree);

/// <summary>
/// Part 3b (contact statistics): GraphQL <c>contactStats</c> over the last 90 whole UTC days, every channel, DAY buckets in
/// UTC (answered from the hourly rollups), beside the same answer computed by GROUP BY over <c>interactions</c>; median
/// of 5 after one warm-up each. The two answers are compared bucket by bucket.
/// </summary>
public static class ContactStatsBench
{
    private const int Days = 90;

    public static async Task<StatsResult?> RunAsync(BenchContext ctx)
    {
        if (!await QueryBench.GraphQLAvailableAsync(ctx))
        {
            ctx.Notes.Add("part 3b: GraphQL endpoint not available; stats figures are null");
            return null;
        }
        // Whole UTC days, the last one ending at the next midnight: every contact of the last 89-90 days.
        var until = DateTime.UtcNow.Date.AddDays(1);
        var since = until.AddDays(-Days);
        var query = $"{{ contactStats(since: \"{since:yyyy-MM-dd}T00:00:00Z\", until: \"{until:yyyy-MM-dd}T00:00:00Z\", bucket: DAY) {{ start channel contacts }} }}";
        BenchContext.Log($"part 3b: contactStats, {Days} days, DAY buckets, beside GROUP BY over interactions");

        var answer = new List<string>();
        var times = new List<double>();
        for (var r = 0; r < 6; r++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var json = await QueryBench.PostGraphQLAsync(ctx, query, null);
            var elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (r > 0) // the first one warms the path
                times.Add(elapsed);
            answer = [.. json.RootElement.GetProperty("data").GetProperty("contactStats").EnumerateArray()
                .Select(b => $"{b.GetProperty("start").GetString()![..10]}|{b.GetProperty("channel").GetString()}|{b.GetProperty("contacts").GetInt32()}")];
        }

        // The reference: the same buckets straight from the log, in the same order (day, then the channel enum's order).
        const string Sql =
            "SELECT CAST(started_at AS DATE) AS day, channel, COUNT(*) FROM interactions WHERE started_at >= @since AND started_at < @until " +
            "GROUP BY day, channel ORDER BY day, FIELD(channel, 'PHONE', 'CHAT', 'WHATSAPP', 'EMAIL')";
        var reference = new List<string>();
        var sqlTimes = new List<double>();
        for (var r = 0; r < 6; r++)
        {
            await using var connection = await ctx.Database.OpenAsync();
            var t0 = Stopwatch.GetTimestamp();
            await using var command = new MySqlCommand(Sql, connection) { CommandTimeout = 600 };
            command.Parameters.AddWithValue("@since", since);
            command.Parameters.AddWithValue("@until", until);
            var rows = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                    rows.Add($"{reader.GetDateTime(0):yyyy-MM-dd}|{reader.GetString(1)}|{reader.GetInt64(2)}");
            }
            if (r > 0)
                sqlTimes.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            reference = rows;
        }

        var agree = answer.SequenceEqual(reference);
        if (!agree)
            ctx.Notes.Add($"part 3b: contactStats and GROUP BY over interactions DISAGREE ({answer.Count} vs {reference.Count} buckets; first difference: " +
                          $"{answer.Except(reference).FirstOrDefault() ?? "-"} / {reference.Except(answer).FirstOrDefault() ?? "-"})");
        return new StatsResult(Median(times), Median(sqlTimes), answer.Count, agree);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
