using System.Data;
using CxActors.Bench.Data;

namespace CxActors.Bench.Parts;

/// <summary>MySQL's own limit for part 1's rows, measured after part 1 (see <see cref="RawLimitBench"/>).</summary>
public sealed record RawLimitResult(int Rows, long PrefilledRows, double TextPerSecond, PhaseUsage TextUsage,
    double? BulkPerSecond, PhaseUsage? BulkUsage, string? BulkRefusal)
{
    /// <summary>The faster of the two: <c>raw_insert_per_s</c>.</summary>
    public double BestPerSecond => Math.Max(TextPerSecond, BulkPerSecond ?? 0);
    public PhaseUsage BestUsage => BulkPerSecond > TextPerSecond ? BulkUsage! : TextUsage;
    public string BestName => BulkPerSecond > TextPerSecond ? "LOAD DATA LOCAL INFILE (MySqlBulkCopy)" : "multi-row INSERT, text built outside the clock";
}

/// <summary>
/// Part 1a, the reference measured honestly (issue 14): the same rows part 1 ingested, 1,000 per statement on one
/// connection (each statement its own commit), into a copy of <c>interactions</c> that already holds as many rows as
/// <c>interactions</c> holds after part 1 (an empty table takes inserts faster than the real one). Two ways:
/// (1) multi-row INSERTs whose text, values inlined, is built outside the clock (the clock runs only while MySQL
/// executes), and (2) LOAD DATA LOCAL INFILE through MySqlConnector's <see cref="MySqlBulkCopy"/>, each chunk's
/// DataTable built outside the clock. Each gets a fresh pre-filled copy. The pre-fill is <c>interactions</c>' own rows
/// with the customer id suffixed by <c>~</c> (it sorts right after the original, so the keys interleave as the real
/// customers' do) and a new random 128-bit interaction id, so that the inserted rows are the generated rows exactly.
/// </summary>
public static class RawLimitBench
{
    private const int PerStatement = 1000;
    private const string Columns = "customer_id, customer_seq, interaction_id, source_id, channel, started_at, ended_at, agent, status, queue, " +
        "classification, sub_classification, feedback_score, feedback_comment, wait_seconds, handle_seconds, source, source_detail, ingested_at";

    public static async Task<RawLimitResult> RunAsync(BenchContext ctx)
    {
        var all = ctx.Data.Interactions;
        var rows = ctx.Options.RawRows is { } limit && limit < all.Length ? all[..limit] : all;
        var now = DateTime.UtcNow;

        var prefilled = await PrefillAsync(ctx, "bench_raw_text");
        BenchContext.Log($"part 1a: {rows.Length:N0} rows in multi-row INSERTs of {PerStatement:N0} (text built outside the clock) into a copy holding {prefilled:N0} rows");
        var (text, textUsage) = await ctx.MeasureAsync("1a raw INSERT, prebuilt text", () => TextAsync(ctx, rows, now));
        await ctx.Database.ExecuteAsync("DROP TABLE bench_raw_text");

        double? bulk = null;
        PhaseUsage? bulkUsage = null;
        string? refusal = null;
        await PrefillAsync(ctx, "bench_raw_bulk");
        BenchContext.Log($"part 1a: the same rows by LOAD DATA LOCAL INFILE (MySqlBulkCopy), {PerStatement:N0} per statement, into a copy holding {prefilled:N0} rows");
        try
        {
            (bulk, bulkUsage) = await ctx.MeasureAsync("1a raw LOAD DATA (bulk copy)", () => BulkAsync(ctx, rows, now));
        }
        catch (Exception ex) when (ex is MySqlException or NotSupportedException or InvalidOperationException)
        {
            // The server's local_infile=0 refuses it (./cx db starts MariaDB with its default, ON; see BENCHMARKS.md).
            refusal = $"{ex.GetType().Name}: {ex.Message}";
            ctx.Notes.Add($"part 1a: LOAD DATA LOCAL INFILE was refused ({refusal}); raw_insert_per_s is the INSERT alone");
        }
        await ctx.Database.ExecuteAsync("DROP TABLE bench_raw_bulk");
        return new RawLimitResult(rows.Length, prefilled, text, textUsage, bulk, bulkUsage, refusal);
    }

    /// <summary>A copy of interactions holding as many rows as it does, under other keys (see the class).</summary>
    private static async Task<long> PrefillAsync(BenchContext ctx, string table)
    {
        var rest = Columns[(Columns.IndexOf("source_id", StringComparison.Ordinal))..];
        await ctx.Database.ExecuteAsync($"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} LIKE interactions; " +
            $"INSERT INTO {table} ({Columns}) SELECT CONCAT(customer_id, '~'), customer_seq, MD5(CONCAT('prefill:', interaction_id)), {rest} FROM interactions");
        return await ctx.Database.ScalarAsync($"SELECT COUNT(*) FROM {table}");
    }

    private static async Task<double> TextAsync(BenchContext ctx, GenInteraction[] rows, DateTime now)
    {
        await using var connection = await ctx.Database.OpenAsync();
        var sql = new StringBuilder(PerStatement * 400);
        var clock = new Stopwatch();
        for (var start = 0; start < rows.Length; start += PerStatement)
        {
            sql.Clear().Append("INSERT INTO bench_raw_text (").Append(Columns).Append(") VALUES ");
            for (var r = start; r < Math.Min(start + PerStatement, rows.Length); r++)
            {
                sql.Append(r == start ? "(" : ",(");
                var values = Values(ctx.Data, rows[r], now);
                for (var v = 0; v < values.Length; v++)
                    Literal(sql.Append(v == 0 ? "" : ","), values[v]);
                sql.Append(')');
            }
            await using var command = new MySqlCommand(sql.ToString(), connection);
            clock.Start();
            await command.ExecuteNonQueryAsync();
            clock.Stop();
        }
        return rows.Length / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> BulkAsync(BenchContext ctx, GenInteraction[] rows, DateTime now)
    {
        var builder = new MySqlConnectionStringBuilder(ctx.Database.ConnectionString) { AllowLoadLocalInfile = true };
        await using var connection = new MySqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        var table = new DataTable();
        foreach (var (name, type) in ColumnTypes)
            table.Columns.Add(name, type);
        var copy = new MySqlBulkCopy(connection) { DestinationTableName = "bench_raw_bulk" };
        for (var c = 0; c < ColumnTypes.Length; c++)
            copy.ColumnMappings.Add(new MySqlBulkCopyColumnMapping(c, ColumnTypes[c].Name));
        var clock = new Stopwatch();
        for (var start = 0; start < rows.Length; start += PerStatement)
        {
            table.Clear();
            for (var r = start; r < Math.Min(start + PerStatement, rows.Length); r++)
                table.Rows.Add(Values(ctx.Data, rows[r], now).Select(v => v ?? DBNull.Value).ToArray());
            clock.Start();
            var result = await copy.WriteToServerAsync(table);
            clock.Stop();
            if (result.RowsInserted != table.Rows.Count)
                throw new InvalidOperationException($"MySqlBulkCopy inserted {result.RowsInserted} of {table.Rows.Count} rows ({result.Warnings.Count} warnings)");
        }
        return rows.Length / clock.Elapsed.TotalSeconds;
    }

    private static readonly (string Name, Type Type)[] ColumnTypes =
    [
        ("customer_id", typeof(string)), ("customer_seq", typeof(int)), ("interaction_id", typeof(string)), ("source_id", typeof(string)),
        ("channel", typeof(string)), ("started_at", typeof(DateTime)), ("ended_at", typeof(DateTime)), ("agent", typeof(string)),
        ("status", typeof(string)), ("queue", typeof(string)), ("classification", typeof(string)), ("sub_classification", typeof(string)),
        ("feedback_score", typeof(int)), ("feedback_comment", typeof(string)), ("wait_seconds", typeof(int)), ("handle_seconds", typeof(int)),
        ("source", typeof(string)), ("source_detail", typeof(string)), ("ingested_at", typeof(DateTime)),
    ];

    /// <summary>The row's 19 values, the same as part 1's parameterised reference binds.</summary>
    private static object?[] Values(SyntheticData data, in GenInteraction i, DateTime now)
    {
        var email = data.Emails[i.Customer];
        var ch = (int)i.Channel;
        return
        [
            email, i.Seq, SyntheticData.InteractionId(email, i), SyntheticData.SourceId(i), SyntheticData.ChannelCode(i.Channel),
            new DateTime(i.StartedTicks, DateTimeKind.Utc),
            i.EndOffsetSeconds >= 0 ? new DateTime(i.StartedTicks + i.EndOffsetSeconds * TimeSpan.TicksPerSecond, DateTimeKind.Utc) : null,
            i.Agent >= 0 ? SyntheticData.Agents[i.Agent] : null, SyntheticData.Statuses[ch][i.Status], SyntheticData.Queues[ch][i.Queue],
            SyntheticData.Topics[i.Topic].Classification, SyntheticData.Topics[i.Topic].Sub,
            i.Score >= 0 ? (int)i.Score : null, i.Comment >= 0 ? SyntheticData.Comments[i.Comment] : null,
            i.Channel is not Data.Channel.Email ? i.WaitSeconds : null, i.HandleSeconds > 0 ? i.HandleSeconds : null,
            "api", null, now,
        ];
    }

    private static void Literal(StringBuilder sql, object? value)
    {
        switch (value)
        {
            case null:
                sql.Append("NULL");
                break;
            case int n:
                sql.Append(n.ToString(CultureInfo.InvariantCulture));
                break;
            case DateTime t:
                sql.Append('\'').Append(t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)).Append('\'');
                break;
            case string s:
                sql.Append('\'').Append(s.AsSpan().IndexOfAny('\'', '\\') < 0 ? s : s.Replace("\\", "\\\\").Replace("'", "''")).Append('\'');
                break;
            default:
                throw new ArgumentException($"no literal for {value.GetType().Name}");
        }
    }
}
