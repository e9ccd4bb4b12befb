using CxActors.Bench.Data;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench.Parts;

public sealed record IngestResult(long Accepted, long Duplicates, long Rejected, int Retries, double Seconds, double PerSecond,
    double P50Ms, double P99Ms, double? LagSeconds, bool Verified, string Verification, PhaseUsage Usage);

/// <summary>
/// Part 1: canonical batches over HTTP from concurrent clients, until every acknowledged interaction is in the
/// grains and in the reporting tables.
/// </summary>
public static class IngestBench
{
    public static async Task<IngestResult> RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        BenchContext.Log($"part 1: serialising {ctx.Data.Interactions.Length:N0} interactions into requests of {o.Batch:N0}");
        var bodies = ctx.Data.CanonicalBodies(o.Batch);
        var rowsBefore = await ctx.Database.ScalarAsync("SELECT COUNT(*) FROM interactions");
        var contactsBefore = await ctx.Database.ScalarAsync("SELECT COALESCE(SUM(total_contacts), 0) FROM customers");

        BenchContext.Log($"part 1: ingesting {bodies.Count:N0} requests from {o.IngestClients} clients");
        var latencies = new Latencies();
        long accepted = 0, duplicates = 0, rejected = 0, lastAck = 0;
        var retries = 0;
        string? firstRejection = null;
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        var (_, usage) = await ctx.MeasureAsync("1 ingest (HTTP, end to end)", async () =>
        {
            using var progress = new Timer(_ => BenchContext.Log($"part 1: {Math.Min(Volatile.Read(ref next) + 1, bodies.Count):N0}/{bodies.Count:N0} requests, " +
                $"{Interlocked.Read(ref accepted) / Stopwatch.GetElapsedTime(start).TotalSeconds:N0} accepted/s"), null, 10_000, 10_000);
            await Task.WhenAll(Enumerable.Range(0, o.IngestClients).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    var i = Interlocked.Increment(ref next);
                    if (i >= bodies.Count)
                        return;
                    var t0 = Stopwatch.GetTimestamp();
                    var answer = await ctx.PostInteractionsAsync(bodies[i]);
                    var t1 = Stopwatch.GetTimestamp();
                    latencies.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    Interlocked.Add(ref accepted, answer.Accepted);
                    Interlocked.Add(ref duplicates, answer.Duplicates);
                    Interlocked.Add(ref rejected, answer.Rejected);
                    Interlocked.Add(ref retries, answer.Retries);
                    if (answer.FirstRejection is not null)
                        Interlocked.CompareExchange(ref firstRejection, answer.FirstRejection, null);
                    long seen;
                    while ((seen = Interlocked.Read(ref lastAck)) < t1 && Interlocked.CompareExchange(ref lastAck, t1, seen) != seen)
                    {
                    }
                }
            })));
            return 0;
        });
        var seconds = Stopwatch.GetElapsedTime(start, lastAck).TotalSeconds;

        // Projection lag: from the last acknowledgement until interactions and customers hold every accepted row.
        // A poll sees the committed state as of its start, so the lag is that start minus the last acknowledgement.
        double? lag = null;
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 120;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var pollStart = Stopwatch.GetTimestamp();
            var rows = await ctx.Database.ScalarAsync("SELECT COUNT(*) FROM interactions");
            var contacts = await ctx.Database.ScalarAsync("SELECT COALESCE(SUM(total_contacts), 0) FROM customers");
            if (rows - rowsBefore >= accepted + duplicates && contacts - contactsBefore >= accepted + duplicates)
            {
                lag = Math.Max(0, Stopwatch.GetElapsedTime(lastAck, pollStart).TotalSeconds);
                break;
            }
            await Task.Delay(100);
        }

        // A request retried after a 503 finds the part stored before the error already there: those come back as
        // duplicates. The generator makes no duplicates, so accepted + duplicates is what was stored.
        var (verified, verification) = await VerifyGrainsAsync(ctx, accepted + duplicates);
        if (retries > 0)
            ctx.Notes.Add($"part 1: {retries} requests were answered 503 (storage unavailable) and re-sent; {duplicates:N0} records stored by the failed attempts came back as duplicates");
        if (rejected > 0)
            ctx.Notes.Add($"part 1: {rejected:N0} generated records were rejected (first reason: {firstRejection}); the generator should produce none");
        return new IngestResult(accepted, duplicates, rejected, retries, seconds, accepted / seconds,
            latencies.Percentile(50), latencies.Percentile(99), lag, verified, verification, usage);
    }

    /// <summary>The grains' side: a sample of customers' all-time counts over GraphQL equal the generated counts.</summary>
    private static async Task<(bool, string)> VerifyGrainsAsync(BenchContext ctx, long stored)
    {
        if (stored != ctx.Data.Interactions.Length)
            return (false, $"stored {stored:N0} of {ctx.Data.Interactions.Length:N0} generated");
        if (!await QueryBench.GraphQLAvailableAsync(ctx))
            return (true, "tables verified; grains not verified (GraphQL endpoint not available)");
        var random = new Random(ctx.Options.Seed + 1);
        var sample = Enumerable.Range(0, Math.Min(200, ctx.Data.Counts.Length)).Select(_ => random.Next(ctx.Data.Counts.Length)).Distinct().ToList();
        var wrong = 0;
        foreach (var c in sample)
        {
            var json = await QueryBench.PostGraphQLAsync(ctx, "query($id:String!){customer(id:$id){totalContacts}}", ctx.Data.Emails[c]);
            var total = json.RootElement.GetProperty("data").GetProperty("customer").GetProperty("totalContacts").GetInt32();
            if (total != ctx.Data.Counts[c])
                wrong++;
        }
        return wrong == 0
            ? (true, $"all {sample.Count} sampled grains hold their exact counts")
            : (false, $"{wrong} of {sample.Count} sampled grains disagree with the generated counts");
    }
}

public sealed record ReferenceResult(double RawPerSecond, int RawRows, double Rowwise1PerSecond, int Rowwise1Rows,
    double Rowwise20PerSecond, int Rowwise20Rows, PhaseUsage RawUsage, PhaseUsage Rowwise20Usage,
    double RawWithCustomersPerSecond, PhaseUsage RawWithCustomersUsage);

/// <summary>
/// Part 1's references on the same MySQL, with the same rows, into tables created LIKE interactions (same columns,
/// same indexes): (a) multi-row INSERTs of 1,000 rows on one connection, each statement its own commit; (b) one
/// INSERT per row with autocommit (the original ETL's INSERT + COMMIT), on 1 and on 20 connections.
/// </summary>
public static class ReferenceBench
{
    private const string Columns = "customer_id, customer_seq, interaction_id, source_id, channel, started_at, ended_at, agent, status, queue, " +
        "classification, sub_classification, feedback_score, feedback_comment, wait_seconds, handle_seconds, source, source_detail, ingested_at";
    private const int ColumnCount = 19;

    public static async Task<ReferenceResult> RunAsync(BenchContext ctx)
    {
        var rows = ctx.Data.Interactions;
        var rawRows = ctx.Options.RawRows is { } limit && limit < rows.Length ? rows[..limit] : rows;
        await ctx.Database.ExecuteAsync("DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw LIKE interactions");
        BenchContext.Log($"part 1 reference (a): {rawRows.Length:N0} rows in multi-row INSERTs of 1,000");
        var (raw, rawUsage) = await ctx.MeasureAsync("1a raw multi-row INSERT", () => MultiRowAsync(ctx, rawRows, 1000));
        await ctx.Database.ExecuteAsync("DROP TABLE bench_raw");

        // Not a figure of the issue, a diagnostic: the same statements plus the customers upsert this design commits
        // with every flush (one customers row per customer per statement's worth of rows), into copies of both tables.
        await ctx.Database.ExecuteAsync("DROP TABLE IF EXISTS bench_raw, bench_customers; CREATE TABLE bench_raw LIKE interactions; CREATE TABLE bench_customers LIKE customers");
        BenchContext.Log($"part 1 reference (a'): the same with the customers upsert in each transaction");
        var (rawWithCustomers, rawWithCustomersUsage) = await ctx.MeasureAsync("1a' raw + customers upsert", () => MultiRowAsync(ctx, rawRows, 1000, withCustomers: true));
        await ctx.Database.ExecuteAsync("DROP TABLE bench_raw, bench_customers");

        var n1 = Math.Min(ctx.Options.Rowwise1Rows, rows.Length);
        await ctx.Database.ExecuteAsync("DROP TABLE IF EXISTS bench_rowwise; CREATE TABLE bench_rowwise LIKE interactions");
        BenchContext.Log($"part 1 reference (b): the first {n1:N0} rows, one INSERT + COMMIT each, 1 connection");
        var (rowwise1, _) = await ctx.MeasureAsync("1b row-wise, 1 connection", () => RowWiseAsync(ctx, rows.AsMemory(0, n1), 1));

        var n20 = Math.Min(ctx.Options.Rowwise20Rows, rows.Length);
        await ctx.Database.ExecuteAsync("TRUNCATE TABLE bench_rowwise");
        BenchContext.Log($"part 1 reference (b): the first {n20:N0} rows, one INSERT + COMMIT each, 20 connections");
        var (rowwise20, rowwise20Usage) = await ctx.MeasureAsync("1b row-wise, 20 connections", () => RowWiseAsync(ctx, rows.AsMemory(0, n20), 20));
        await ctx.Database.ExecuteAsync("DROP TABLE bench_rowwise");
        return new ReferenceResult(raw, rawRows.Length, rowwise1, n1, rowwise20, n20, rawUsage, rowwise20Usage, rawWithCustomers, rawWithCustomersUsage);
    }

    private static async Task<double> MultiRowAsync(BenchContext ctx, GenInteraction[] rows, int perStatement, bool withCustomers = false)
    {
        await using var connection = await ctx.Database.OpenAsync();
        var now = DateTime.UtcNow;
        var customers = withCustomers ? new CustomerAggregates(ctx.Data) : null;
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < rows.Length; start += perStatement)
        {
            var count = Math.Min(perStatement, rows.Length - start);
            await using var transaction = withCustomers ? await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted) : null;
            var sql = new StringBuilder(100 + count * (ColumnCount * 2 + 3));
            sql.Append("INSERT INTO bench_raw (").Append(Columns).Append(") VALUES ");
            for (var r = 0; r < count; r++)
                sql.Append(r == 0 ? "(" : ",(").Append(string.Join(',', Enumerable.Repeat('?', ColumnCount))).Append(')');
            await using var command = new MySqlCommand(sql.ToString(), connection);
            command.Transaction = transaction;
            for (var r = start; r < start + count; r++)
                AddRow(command.Parameters, ctx.Data, rows[r], now);
            await command.ExecuteNonQueryAsync();
            if (customers is not null)
            {
                await customers.UpsertAsync(connection, transaction!, rows.AsMemory(start, count), now);
                await transaction!.CommitAsync();
            }
        }
        return rows.Length / clock.Elapsed.TotalSeconds;
    }

    /// <summary>Running per-customer aggregates and the customers upsert in the shape the interaction log uses.</summary>
    private sealed class CustomerAggregates(SyntheticData data)
    {
        private readonly int[,] _counts = new int[data.Counts.Length, 4];
        private readonly long[] _first = new long[data.Counts.Length];
        private readonly int[] _last = Enumerable.Repeat(-1, data.Counts.Length).ToArray();
        private const string Columns = "customer_id, email, name, phones, first_contact_at, last_contact_at, last_channel, last_interaction_id, " +
            "total_contacts, phone_contacts, chat_contacts, whatsapp_contacts, email_contacts, version, updated_at";

        public async Task UpsertAsync(MySqlConnection connection, MySqlTransaction transaction, ReadOnlyMemory<GenInteraction> rows, DateTime now)
        {
            var touched = new SortedDictionary<string, int>(StringComparer.Ordinal);
            for (var r = 0; r < rows.Length; r++)
            {
                var i = rows.Span[r];
                _counts[i.Customer, (int)i.Channel]++;
                if (_first[i.Customer] == 0 || i.StartedTicks < _first[i.Customer])
                    _first[i.Customer] = i.StartedTicks;
                _last[i.Customer] = r; // rows come in startedAt order: the latest is the last
                touched[data.Emails[i.Customer]] = i.Customer;
            }
            var sql = new StringBuilder("INSERT INTO bench_customers (").Append(Columns).Append(") VALUES ");
            sql.AppendJoin(',', Enumerable.Repeat("(" + string.Join(',', Enumerable.Repeat('?', 15)) + ")", touched.Count));
            sql.Append(" ON DUPLICATE KEY UPDATE ");
            foreach (var column in Columns.Split(", ").Skip(1).Where(c => c != "version"))
                sql.Append(column).Append(" = IF(VALUES(version) > version, VALUES(").Append(column).Append("), ").Append(column).Append("), ");
            sql.Append("version = GREATEST(version, VALUES(version))");
            await using var command = new MySqlCommand(sql.ToString(), connection, transaction);
            var p = command.Parameters;
            void Add(object? value) => p.Add(new MySqlParameter { Value = value ?? DBNull.Value });
            foreach (var (email, c) in touched)
            {
                var last = rows.Span[_last[c]];
                var total = _counts[c, 0] + _counts[c, 1] + _counts[c, 2] + _counts[c, 3];
                Add(email); Add(email); Add(data.Names[c]); Add(data.Phones[c]); Add(new DateTime(_first[c], DateTimeKind.Utc));
                Add(new DateTime(last.StartedTicks, DateTimeKind.Utc)); Add(SyntheticData.ChannelCode(last.Channel)); Add(SyntheticData.InteractionId(email, last));
                Add(total); Add(_counts[c, 0]); Add(_counts[c, 1]); Add(_counts[c, 2]); Add(_counts[c, 3]); Add(last.Seq); Add(now);
            }
            await command.ExecuteNonQueryAsync();
        }
    }

    private static async Task<double> RowWiseAsync(BenchContext ctx, ReadOnlyMemory<GenInteraction> rows, int connections)
    {
        var sql = $"INSERT INTO bench_rowwise ({Columns}) VALUES ({string.Join(',', Enumerable.Repeat('?', ColumnCount))})";
        var now = DateTime.UtcNow;
        var open = new List<MySqlConnection>();
        for (var c = 0; c < connections; c++)
            open.Add(await ctx.Database.OpenAsync());
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(open.Select(connection => Task.Run(async () =>
        {
            await using var command = new MySqlCommand(sql, connection);
            while (true)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= rows.Length)
                    return;
                command.Parameters.Clear();
                AddRow(command.Parameters, ctx.Data, rows.Span[i], now);
                await command.ExecuteNonQueryAsync(); // autocommit: the row's own INSERT and COMMIT
            }
        })));
        var rate = rows.Length / clock.Elapsed.TotalSeconds;
        foreach (var connection in open)
            await connection.DisposeAsync();
        return rate;
    }

    private static void AddRow(MySqlParameterCollection p, SyntheticData data, in GenInteraction i, DateTime now)
    {
        var email = data.Emails[i.Customer];
        var ch = (int)i.Channel;
        void Add(object? value) => p.Add(new MySqlParameter { Value = value ?? DBNull.Value });
        Add(email);
        Add(i.Seq);
        Add(SyntheticData.InteractionId(email, i));
        Add(SyntheticData.SourceId(i));
        Add(SyntheticData.ChannelCode(i.Channel));
        Add(new DateTime(i.StartedTicks, DateTimeKind.Utc));
        Add(i.EndOffsetSeconds >= 0 ? new DateTime(i.StartedTicks + i.EndOffsetSeconds * TimeSpan.TicksPerSecond, DateTimeKind.Utc) : null);
        Add(i.Agent >= 0 ? SyntheticData.Agents[i.Agent] : null);
        Add(SyntheticData.Statuses[ch][i.Status]);
        Add(SyntheticData.Queues[ch][i.Queue]);
        Add(SyntheticData.Topics[i.Topic].Classification);
        Add(SyntheticData.Topics[i.Topic].Sub);
        Add(i.Score >= 0 ? i.Score : null);
        Add(i.Comment >= 0 ? SyntheticData.Comments[i.Comment] : null);
        Add(i.Channel != Data.Channel.Email ? i.WaitSeconds : null);
        Add(i.HandleSeconds > 0 ? i.HandleSeconds : null);
        Add("api");
        Add(null);
        Add(now);
    }
}
