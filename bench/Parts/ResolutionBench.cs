using System.Text.Json;
using CxActors.Bench.Infrastructure;
using MySqlConnector;

namespace CxActors.Bench.Parts;

public sealed record ResolutionResult(double StatsMs, double StatsSqlMs, double CallersMs, double CallersSqlMs, bool StatsAgree, bool CallersAgree);

/// <summary>
/// Part 3c (repeat contacts): <c>resolutionStats</c> over the last 30 days (all channels, W = 24 h) and the first page
/// of <c>repeatCallers</c> over the same 30 days, through GraphQL; beside each, a plain SQL computation of the same
/// answer written the other way (per contact, correlated EXISTS / LIMIT 1 look-ups of its neighbours on the
/// (customer_id, started_at, interaction_id) index), run in the same run on the same data. The answers must agree;
/// each figure is the median of 3 (1 in --smoke) after one warm-up.
/// </summary>
public static class ResolutionBench
{
    private const int W = 24 * 3600;

    public static async Task<ResolutionResult?> RunAsync(BenchContext ctx)
    {
        if (!await QueryBench.GraphQLAvailableAsync(ctx))
        {
            ctx.Notes.Add("part 3c: GraphQL endpoint not available; repeat-contact figures are null");
            return null;
        }
        var asOf = DateTime.UtcNow;
        var since = asOf.AddDays(-30);
        var repeats = ctx.Options.Mode == "smoke" ? 1 : 3;
        BenchContext.Log($"part 3c: resolutionStats and repeatCallers over 30 days (W = 24 h), GraphQL and plain SQL, median of {repeats}");
        var window = $"since: \"{Iso(since)}\", until: \"{Iso(asOf)}\"";

        var (statsMs, stats) = await TimeAsync(repeats, async () =>
        {
            using var json = await QueryBench.PostGraphQLAsync(ctx,
                $"{{ resolutionStats({window}, asOf: \"{Iso(asOf)}\") {{ channel contacts repeats channelSwitches resolved repeated open }} }}", null);
            return string.Join('\n', json.RootElement.GetProperty("data").GetProperty("resolutionStats").EnumerateArray().Select(r =>
                string.Join(' ', r.EnumerateObject().Select(p => p.Value.ToString()))));
        });
        var (statsSqlMs, statsSql) = await TimeAsync(repeats, () => SqlStatsAsync(ctx, since, asOf));

        var (callersMs, callers) = await TimeAsync(repeats, async () =>
        {
            using var json = await QueryBench.PostGraphQLAsync(ctx, $"{{ repeatCallers({window}) {{ nodes {{ customerId contacts }} }} }}", null);
            return string.Join('\n', json.RootElement.GetProperty("data").GetProperty("repeatCallers").GetProperty("nodes").EnumerateArray()
                .Select(n => $"{n.GetProperty("customerId").GetString()} {n.GetProperty("contacts").GetInt32()}"));
        });
        var (callersSqlMs, callersSql) = await TimeAsync(repeats, () => SqlCallersAsync(ctx, since, asOf));

        var result = new ResolutionResult(statsMs, statsSqlMs, callersMs, callersSqlMs, stats == statsSql, callers == callersSql);
        if (!result.StatsAgree)
            ctx.Notes.Add($"part 3c: resolutionStats and its SQL disagree:\n{stats}\n--- SQL:\n{statsSql}");
        if (!result.CallersAgree)
            ctx.Notes.Add($"part 3c: repeatCallers and its SQL disagree:\n{callers}\n--- SQL:\n{callersSql}");
        return result;
    }

    // The neighbours of contact i in its customer's (started_at, interaction_id) order, as correlated look-ups.
    private const string Earlier =
        "p.customer_id = i.customer_id AND (p.started_at < i.started_at OR (p.started_at = i.started_at AND p.interaction_id < i.interaction_id)) " +
        "AND p.started_at >= i.started_at - INTERVAL @w SECOND";
    private const string Later =
        "n.customer_id = i.customer_id AND (n.started_at > i.started_at OR (n.started_at = i.started_at AND n.interaction_id > i.interaction_id)) " +
        "AND n.started_at <= i.started_at + INTERVAL @w SECOND AND n.started_at <= @asOf";

    private static async Task<string> SqlStatsAsync(BenchContext ctx, DateTime since, DateTime asOf)
    {
        var sql =
            "SELECT channel, COUNT(*), SUM(is_repeat), SUM(is_repeat AND previous_channel <> channel), " +
            "SUM(NOT is_repeated AND @asOf >= started_at + INTERVAL @w SECOND), SUM(is_repeated), SUM(NOT is_repeated AND @asOf < started_at + INTERVAL @w SECOND) " +
            "FROM (SELECT i.channel, i.started_at, " +
            $"EXISTS (SELECT 1 FROM interactions p WHERE {Earlier}) AS is_repeat, " +
            $"(SELECT p.channel FROM interactions p WHERE {Earlier} ORDER BY p.started_at DESC, p.interaction_id DESC LIMIT 1) AS previous_channel, " +
            $"EXISTS (SELECT 1 FROM interactions n WHERE {Later}) AS is_repeated " +
            "FROM interactions i WHERE i.started_at >= @since AND i.started_at < @until AND i.started_at <= @asOf) AS c " +
            "GROUP BY channel ORDER BY FIELD(channel, 'PHONE', 'CHAT', 'WHATSAPP', 'EMAIL')";
        return await ReadAsync(ctx, sql, since, asOf);
    }

    private static async Task<string> SqlCallersAsync(BenchContext ctx, DateTime since, DateTime asOf)
    {
        var sql =
            "SELECT i.customer_id, COUNT(*) AS repeats FROM interactions i " +
            $"WHERE i.started_at > @since AND i.started_at <= @until AND EXISTS (SELECT 1 FROM interactions p WHERE {Earlier}) " +
            "GROUP BY i.customer_id ORDER BY repeats DESC, i.customer_id LIMIT 20";
        return await ReadAsync(ctx, sql, since, asOf);
    }

    private static async Task<string> ReadAsync(BenchContext ctx, string sql, DateTime since, DateTime asOf)
    {
        await using var connection = await ctx.Database.OpenAsync();
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 600 };
        command.Parameters.AddWithValue("@w", W);
        command.Parameters.AddWithValue("@since", since);
        command.Parameters.AddWithValue("@until", asOf);
        command.Parameters.AddWithValue("@asOf", asOf);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add(string.Join(' ', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return string.Join('\n', lines);
    }

    /// <summary>One warm-up, then the median of <paramref name="repeats"/> timed runs; the last answer.</summary>
    private static async Task<(double Ms, string Answer)> TimeAsync(int repeats, Func<Task<string>> run)
    {
        var answer = await run();
        var times = new List<double>(repeats);
        for (var r = 0; r < repeats; r++)
        {
            var t0 = Stopwatch.GetTimestamp();
            answer = await run();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return (times.Order().ElementAt(times.Count / 2), answer);
    }

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
