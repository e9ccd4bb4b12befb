using System.Text.Json;
using System.Text.Json.Nodes;
using CxActors.Bench.Parts;
using CxActors.Bench.Infrastructure;

namespace CxActors.Bench;

public sealed record MemoryResult(int ActiveCustomers, long BaselineRss, long PeakRss, long SettledRss)
{
    /// <summary>The figure: (peak working set - working set of the warmed-up, nearly empty silo) / active customers.</summary>
    public double BytesPerCustomer => (PeakRss - BaselineRss) / (double)ActiveCustomers;
    public double SettledBytesPerCustomer => (SettledRss - BaselineRss) / (double)ActiveCustomers;
}

/// <summary>The human table, the targets met or missed with the phase that explains them, and the JSON line (last).</summary>
public sealed class Report(BenchContext ctx, ReferenceResult refs, IngestResult ingest, HistoryResult? history, QueryResult? query,
    MemoryResult? memory, ImportResult? import, IsolationResult? isolation, ColdResult? cold,
    AuthCostResult? auth, TimeSpan elapsed)
{
    private const double TargetBytesPerCustomer = 5 * 1024;

    /// <summary>Part 3b's figures (contactStats beside GROUP BY over interactions); null when it did not run.</summary>
    public StatsResult? Stats { get; init; }

    /// <summary>Part 3c's figures (resolutionStats and repeatCallers beside plain SQL); null when it did not run.</summary>
    public ResolutionResult? Resolution { get; init; }

    /// <summary>Part 8 (<see cref="LiveFeedBench"/>), when it ran.</summary>
    public LiveResult? Live { get; init; }


    /// <summary>Part 1a measured after part 1 (issue 14): the reference of <c>raw_insert_per_s</c> when present.</summary>
    public RawLimitResult? RawLimit { get; init; }
    public ActivationResult? Activation { get; init; }
    public TelemetryResult? Telemetry { get; init; }
    public DashboardCostResult? Dashboard { get; init; }

    /// <summary>Prints the report and returns its figures (the JSON line's).</summary>
    public Dictionary<string, double?> Print(TextWriter output)
    {
        var o = ctx.Options;
        var figures = Figures();
        output.WriteLine();
        output.WriteLine($"CxActors benchmark ({o.Mode}) · {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} cores · {Machine()} · {elapsed.TotalMinutes:F1} min");
        output.WriteLine($"data: {ctx.Data.Interactions.Length:N0} interactions over {ctx.Data.Counts.Length:N0} customers (log-normal, median {Median(ctx.Data.Counts)}, max {ctx.Data.Counts.Max():N0}), " +
                         $"requests of {o.Batch:N0} from {o.IngestClients} clients; queries from {o.QueryClients} clients; seed {o.Seed}");
        output.WriteLine();
        output.WriteLine($"{"figure",-30} {"value",14}   reference / meaning");
        output.WriteLine(new string('-', 118));
        void Row(string key, string meaning) => output.WriteLine($"{key,-30} {Format(figures[key]),14}   {meaning}");
        void CountRow(string key, string meaning) => output.WriteLine($"{key,-30} {figures[key]?.ToString("N0", CultureInfo.InvariantCulture) ?? "null",14}   {meaning}");
        Row("ingest_per_s", $"accepted interactions/s end to end ({ingest.Accepted:N0} in {ingest.Seconds:F1} s, {ingest.Retries} retried requests)");
        Row("ingest_p50_ms", "request latency, median");
        Row("ingest_p99_ms", "request latency, 99th percentile");
        Row("projection_lag_s", $"last acknowledgement -> interactions and customers hold every row; {ingest.Verification}");
        if (RawLimit is { } rl)
        {
            Row("raw_insert_per_s", $"1a MySQL's limit: the faster of the two below ({rl.BestName}), {rl.Rows:N0} rows into a copy of interactions already holding {rl.PrefilledRows:N0}");
            Row("raw_text_insert_per_s", $"1a multi-row INSERT, 1,000 rows/statement, 1 connection, text built outside the clock");
            Row("raw_bulk_insert_per_s", rl.BulkRefusal is null ? "1a LOAD DATA LOCAL INFILE via MySqlBulkCopy, 1,000 rows/statement, 1 connection" : $"1a LOAD DATA LOCAL INFILE refused: {rl.BulkRefusal}");
        }
        Row("raw_param_insert_per_s", $"(a) multi-row INSERT, 1,000 rows/statement, parameters bound inside the clock, 1 connection, {refs.RawRows:N0} rows into an empty copy");
        output.WriteLine($"{"",-30} {Format(refs.RawWithCustomersPerSecond),14}   (a') diagnostic, not a figure: (a) plus the customers upsert in each transaction (this design's floor)");
        Row("rowwise_1_per_s", $"(b) INSERT + COMMIT per row, 1 connection, first {refs.Rowwise1Rows:N0} rows");
        Row("rowwise_20_per_s", $"(b) INSERT + COMMIT per row, 20 connections, first {refs.Rowwise20Rows:N0} rows");
        Row("ingest_vs_raw", "ingest_per_s / raw_insert_per_s");
        Row("ingest_vs_rowwise", "ingest_per_s / rowwise_20_per_s");
        if (Activation is { } act)
        {
            Row("activation_ingest_per_s", $"every customer new, 1-5 contacts each, requests of {ActivationBench.Batch}: {act.Accepted:N0} interactions of {act.Customers:N0} customers in {act.Seconds:F1} s");
            Row("activation_ingest_vs_raw", "activation_ingest_per_s / raw_insert_per_s");
        }
        Row("silo_us_per_interaction", "part 1: silo CPU (user + system, /proc) per accepted interaction");
        Row("mysqld_us_per_interaction", "part 1: mysqld CPU per accepted interaction (the one shared server: other sessions' work included)");
        Row("raw_mysqld_us_per_row", "mysqld CPU per row of the raw_insert_per_s reference (same caveat)");
        if (Activation is { } a2)
            Row("activation_silo_us", $"silo CPU per new customer beyond its interactions' part-1 cost (all of it: {a2.SiloUsPerInteraction:F0} µs per interaction)");
        if (Telemetry is { } tel)
        {
            Row("telemetry_ingest_ratio", $"ingest/s with Telemetry:Enabled=true (OTLP to a sink, default sampling) / false: {tel.IngestOnPerSecond:N0} / {tel.IngestOffPerSecond:N0}, mean of {tel.Rounds} each");
            Row("telemetry_query_ratio", $"GraphQL requests/s, the same: {tel.QueryOnPerSecond:N0} / {tel.QueryOffPerSecond:N0} ({tel.ExportRequests:N0} OTLP exports, {tel.ExportBytes / 1024.0:N0} KiB received)");
        }
        if (Dashboard is { } dash)
        {
            Row("dashboard_ingest_ratio", $"ingest/s with the Orleans dashboard as shipped (grain profiling off) / OrleansDashboard:Enabled=false: {dash.IngestOnPerSecond:N0} / {dash.IngestOffPerSecond:N0}, mean of {dash.Rounds} each");
            Row("dashboard_profiling_ingest_ratio", $"ingest/s with OrleansDashboard:GrainProfiling=true / dashboard off: {dash.IngestProfilingPerSecond:N0} / {dash.IngestOffPerSecond:N0}");
        }
        if (history is not null)
        {
            Row("history_growth", $"median write latency at {history.Levels[^1].History:N0} / at {history.Levels[0].History:N0} (worse identity kind)");
            foreach (var level in history.Levels)
                output.WriteLine($"{"",-30} {"",14}   history {level.History,7:N0}: {level.NaturalMs:F2} ms natural identity, {level.SourceIdMs:F2} ms with a source id");
            output.WriteLine($"{"",-30} {"",14}   growth: natural identity {history.NaturalGrowth:F2}, source id {history.SourceIdGrowth:F2}");
        }
        Row("query_per_s", query is { Available: true } ? $"GraphQL customer query, {o.QueryClients} clients ({query.Requests:N0} requests, {query.Errors:N0} errors)" : "GraphQL endpoint not available");
        Row("query_p50_ms", "GraphQL latency, median");
        Row("query_p99_ms", "GraphQL latency, 99th percentile");
        Row("sql_query_per_s", query is null ? "" : $"the same questions in SQL over the views, same customers, {o.QueryClients} connections (p50 {query.SqlP50Ms:F2} ms, p99 {query.SqlP99Ms:F2} ms)");
        Row("query_vs_sql", "query_per_s / sql_query_per_s");
        Row("fleet_query_ms", query is null ? "" : $"GraphQL contactCounts, last 24 h, first 20 (median of 5; the SQL alone: {query.FleetSqlMs:F1} ms)");
        Row("stats_query_ms", Stats is null ? "" : $"GraphQL contactStats, 90 days, every channel, DAY buckets ({Stats.Buckets:N0} buckets; answers {(Stats.Agree ? "agree" : "DISAGREE")}; median of 5)");
        Row("stats_vs_sql", Stats is null ? "" : $"the same answer by GROUP BY over interactions ({Stats.SqlMs:F1} ms) / stats_query_ms");
        Row("resolution_stats_ms", Resolution is null ? "" :
            $"GraphQL resolutionStats, 30 days, all channels, W = 24 h (plain SQL, correlated look-ups: {Resolution.StatsSqlMs:F1} ms; answers {(Resolution.StatsAgree ? "agree" : "DISAGREE")})");
        Row("repeat_callers_ms", Resolution is null ? "" :
            $"GraphQL repeatCallers, 30 days, first page (plain SQL: {Resolution.CallersSqlMs:F1} ms; answers {(Resolution.CallersAgree ? "agree" : "DISAGREE")})");
        Row("bytes_per_customer", memory is null ? "" :
            $"(peak RSS {memory.PeakRss / 1048576.0:N0} MiB - warmed-up baseline {memory.BaselineRss / 1048576.0:N0} MiB) / {memory.ActiveCustomers:N0} active customers; " +
            $"settled RSS gives {memory.SettledBytesPerCustomer:N0} B");
        Row("import_per_s", import is { Available: true } ? $"./cx import email, {import.Records:N0} records in {import.Seconds:F1} s (accepted {import.Accepted:N0})" : "./cx import not available");
        Row("import_peak_mb", "peak RSS of the import process, MiB");
        if (Live is { } live)
        {
            Row("live_event_p99_ms", $"ingest request sent -> contactAdded event read, {live.Subscribers:N0} SSE subscribers during sustained ingest (p50 {live.EventP50Ms:F1} ms; {live.Delivered:N0} events, {live.Disconnected:N0} disconnected); an upper bound of commit -> delivery");
            Row("ingest_ratio_with_subscribers", $"ingest/s with those subscribers {live.PerSecondWithSubscribers:N0} / without {live.PerSecondAlone:N0} (subscribers read in this process, on the same cores)");
        }
        if (isolation is { } iso)
        {
            var probes = "2 ingest + 2 query clients, one request per 20 ms each";
            Row("ingest_p99_unloaded_ms", $"one-record POST /ingest/interactions, {probes}, nothing else running (p50 {iso.IngestP50Unloaded:F2} ms, {iso.IngestsUnloaded:N0} requests)");
            Row("ingest_p99_under_fleet_load_ms", $"the same while {iso.FleetClients} clients send the costliest fleet documents (p50 {iso.IngestP50Loaded:F2} ms, {iso.IngestsLoaded:N0} requests)");
            Row("ingest_p99_fleet_ratio", "ingest_p99_under_fleet_load_ms / ingest_p99_unloaded_ms");
            Row("query_p99_unloaded_ms", $"the per-customer GraphQL query of part 3, same probes, nothing else running (p50 {iso.QueryP50Unloaded:F2} ms, {iso.QueriesUnloaded:N0} requests)");
            Row("query_p99_under_fleet_load_ms", $"the same under the fleet load (p50 {iso.QueryP50Loaded:F2} ms, {iso.QueriesLoaded:N0} requests)");
            Row("query_p99_fleet_ratio", "query_p99_under_fleet_load_ms / query_p99_unloaded_ms");
            CountRow("fleet_queries_completed", $"fleet requests answered without errors during the loaded phase (contactCounts window: {iso.FleetDays:N0} days)");
            CountRow("fleet_queries_refused", "fleet requests with a field refused by the gate (SERVICE_UNAVAILABLE after GraphQL:FleetQueryWait)");
            foreach (var k in iso.Kinds)
                output.WriteLine($"{"",-30} {"",14}   {k.Kind,-48} complexity {k.Complexity,6:N0}: {k.Completed,4:N0} completed, {k.Refused,4:N0} refused " +
                                 $"({k.RefusedFields:N0} fields), {k.Failed:N0} failed, mean {k.MeanMs:N0} ms");
        }
        if (auth is { } a)
        {
            Row("auth_ingest_ratio", $"ingest records/s with API keys / with Auth:Disabled: {a.IngestKeysPerSecond:N0} / {a.IngestOffPerSecond:N0} " +
                $"(two fresh silos, {a.Rounds} alternating rounds, {a.IngestRecordsEach:N0} records each)");
            Row("auth_query_ratio", $"per-customer GraphQL queries/s with API keys / with Auth:Disabled: {a.QueryKeysPerSecond:N0} / {a.QueryOffPerSecond:N0} " +
                $"({a.QueriesKeys:N0} / {a.QueriesOff:N0} requests)");
        }
        if (cold is { } c)
        {
            Row("cold_query_p50_ms", $"the part 3 query, first of {c.Sampled:N0} random customers after a silo restart, {o.QueryClients} clients (warm: p50 {Format(figures["query_p50_ms"])} ms)");
            Row("cold_query_p99_ms", $"the same, 99th percentile (warm: p99 {Format(figures["query_p99_ms"])} ms); mean {c.MeanMs:F2} ms, {c.Errors:N0} errors");
            output.WriteLine($"{"",-30} {"",14}   restart: old silo stopped {(c.GracefulStop ? "gracefully" : "by kill -9 after 20 s")} in {c.StopSeconds:F1} s, new one healthy in " +
                             $"{c.StartSeconds:F1} s; {c.Snapshots:N0} of {c.CustomersInDatabase:N0} customers had a snapshot");
        }

        output.WriteLine();
        output.WriteLine("targets (2 cores, MySQL on the same machine):");
        foreach (var (name, met, text) in Targets(figures))
            output.WriteLine($"  [{(met is null ? "n/a " : met.Value ? " met" : "MISS")}] {name,-34} {text}");

        output.WriteLine();
        output.WriteLine("where the time went (CPU in % of one core; the machine has " + Environment.ProcessorCount * 100 + "%):");
        foreach (var phase in ctx.Phases)
            output.WriteLine("  " + phase.Describe().Replace("\n", "\n  "));
        output.WriteLine();
        output.WriteLine("cost per row (CPU of the phase / rows it stored; 'other' excluded):");
        double Us(double pct, double seconds, long rows) => rows > 0 ? pct / 100 * seconds / rows * 1e6 : double.NaN;
        var i = ingest.Usage.Cpu;
        output.WriteLine($"  ingest:        silo {Us(i.Silo, i.Seconds, ingest.Accepted),6:F0} µs + mysqld {Us(i.MySql, i.Seconds, ingest.Accepted),6:F0} µs per interaction " +
                         $"({ingest.Usage.MySql.GetValueOrDefault("Questions") / (double)Math.Max(1, ingest.Accepted):F2} MySQL commands per interaction)");
        if (RawLimit is { } lim)
        {
            var t = lim.TextUsage.Cpu;
            output.WriteLine($"  1a INSERT:     bench {Us(t.Bench, t.Seconds, lim.Rows),6:F0} µs + mysqld {Us(t.MySql, t.Seconds, lim.Rows),6:F0} µs per row (bench: building the text, outside the clock)");
            if (lim.BulkUsage?.Cpu is { } b)
                output.WriteLine($"  1a LOAD DATA:  bench {Us(b.Bench, b.Seconds, lim.Rows),6:F0} µs + mysqld {Us(b.MySql, b.Seconds, lim.Rows),6:F0} µs per row");
        }
        if (Activation is { } av)
        {
            var actCpu = av.Usage.Cpu;
            output.WriteLine($"  activation:    silo {Us(actCpu.Silo, actCpu.Seconds, av.Accepted),6:F0} µs + mysqld {Us(actCpu.MySql, actCpu.Seconds, av.Accepted),6:F0} µs per interaction of new customers");
        }
        var r = refs.RawUsage.Cpu;
        output.WriteLine($"  raw INSERT:    bench {Us(r.Bench, r.Seconds, refs.RawRows),6:F0} µs + mysqld {Us(r.MySql, r.Seconds, refs.RawRows),6:F0} µs per row");
        var rc = refs.RawWithCustomersUsage.Cpu;
        output.WriteLine($"  raw+customers: bench {Us(rc.Bench, rc.Seconds, refs.RawRows),6:F0} µs + mysqld {Us(rc.MySql, rc.Seconds, refs.RawRows),6:F0} µs per row");
        var w = refs.Rowwise20Usage.Cpu;
        output.WriteLine($"  row-wise x20:  bench {Us(w.Bench, w.Seconds, refs.Rowwise20Rows),6:F0} µs + mysqld {Us(w.MySql, w.Seconds, refs.Rowwise20Rows),6:F0} µs per row");
        if (query?.GraphQLUsage is { } g && query.Requests > 0)
            output.WriteLine($"  GraphQL query: silo {Us(g.Cpu.Silo, g.Cpu.Seconds, query.Requests),6:F0} µs per request; " +
                             $"SQL reference: mysqld {Us(query.SqlUsage.Cpu.MySql, query.SqlUsage.Cpu.Seconds, (long)(query.SqlPerSecond * query.SqlUsage.Cpu.Seconds)),6:F0} µs per request");

        output.WriteLine();
        output.WriteLine("why (per phase):");
        foreach (var phase in ctx.Phases)
            output.WriteLine($"  {phase.Cpu.Phase}: {phase.Cpu.Verdict()}");
        if (ctx.Notes.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("notes:");
            foreach (var note in ctx.Notes)
                output.WriteLine("  - " + note);
        }
        output.WriteLine();
        output.WriteLine(Json(figures));
        return figures;
    }

    private Dictionary<string, double?> Figures()
    {
        static double? N(double v) => double.IsFinite(v) ? v : null;
        static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;
        var f = new Dictionary<string, double?>
        {
            ["ingest_per_s"] = N(ingest.PerSecond),
            ["ingest_p50_ms"] = N(ingest.P50Ms),
            ["ingest_p99_ms"] = N(ingest.P99Ms),
            ["projection_lag_s"] = ingest.LagSeconds,
            ["raw_insert_per_s"] = N(RawLimit?.BestPerSecond ?? refs.RawPerSecond),
            ["raw_param_insert_per_s"] = N(refs.RawPerSecond),
            ["raw_text_insert_per_s"] = RawLimit is null ? null : N(RawLimit.TextPerSecond),
            ["raw_bulk_insert_per_s"] = RawLimit?.BulkPerSecond,
            ["rowwise_1_per_s"] = N(refs.Rowwise1PerSecond),
            ["rowwise_20_per_s"] = N(refs.Rowwise20PerSecond),
        };
        f["ingest_vs_raw"] = Ratio(f["ingest_per_s"], f["raw_insert_per_s"]);
        f["ingest_vs_rowwise"] = Ratio(f["ingest_per_s"], f["rowwise_20_per_s"]);
        f["activation_ingest_per_s"] = Activation is null ? null : N(Activation.PerSecond);
        f["activation_ingest_vs_raw"] = Ratio(f["activation_ingest_per_s"], f["raw_insert_per_s"]);
        static double? Us(CpuUsage cpu, double pct, long rows) => rows > 0 ? N(pct / 100 * cpu.Seconds / rows * 1e6) : null;
        f["silo_us_per_interaction"] = Us(ingest.Usage.Cpu, ingest.Usage.Cpu.Silo, ingest.Accepted);
        f["mysqld_us_per_interaction"] = ctx.MySqlPid is null ? null : Us(ingest.Usage.Cpu, ingest.Usage.Cpu.MySql, ingest.Accepted);
        f["raw_mysqld_us_per_row"] = ctx.MySqlPid is null ? null : RawLimit is { } rl
            ? Us(rl.BestUsage.Cpu, rl.BestUsage.Cpu.MySql, rl.Rows)
            : Us(refs.RawUsage.Cpu, refs.RawUsage.Cpu.MySql, refs.RawRows);
        f["activation_silo_us"] = Activation is null || f["silo_us_per_interaction"] is not { } perInteraction ? null : N(Activation.ActivationSiloUs(perInteraction));
        f["telemetry_ingest_ratio"] = Telemetry is null ? null : N(Telemetry.IngestRatio);
        f["telemetry_query_ratio"] = Telemetry is null ? null : N(Telemetry.QueryRatio);
        f["dashboard_ingest_ratio"] = Dashboard is null ? null : N(Dashboard.IngestRatio);
        f["dashboard_profiling_ingest_ratio"] = Dashboard is null ? null : N(Dashboard.ProfilingIngestRatio);
        f["history_growth"] = history is null ? null : N(history.Growth);
        f["query_per_s"] = query is { Available: true } ? N(query.PerSecond) : null;
        f["query_p50_ms"] = query is { Available: true } ? N(query.P50Ms) : null;
        f["query_p99_ms"] = query is { Available: true } ? N(query.P99Ms) : null;
        f["sql_query_per_s"] = query is null ? null : N(query.SqlPerSecond);
        f["query_vs_sql"] = Ratio(f["query_per_s"], f["sql_query_per_s"]);
        f["fleet_query_ms"] = query?.FleetMs;
        f["stats_query_ms"] = Stats is null ? null : N(Stats.QueryMs);
        f["stats_vs_sql"] = Stats is null ? null : Ratio(Stats.SqlMs, Stats.QueryMs);
        f["resolution_stats_ms"] = Resolution is null ? null : N(Resolution.StatsMs);
        f["resolution_stats_sql_ms"] = Resolution is null ? null : N(Resolution.StatsSqlMs);
        f["repeat_callers_ms"] = Resolution is null ? null : N(Resolution.CallersMs);
        f["repeat_callers_sql_ms"] = Resolution is null ? null : N(Resolution.CallersSqlMs);
        f["bytes_per_customer"] = memory is null ? null : N(memory.BytesPerCustomer);
        f["import_per_s"] = import is { Available: true } ? N(import.PerSecond) : null;
        f["import_peak_mb"] = import is { Available: true } ? N(import.PeakMb) : null;
        f["ingest_p99_unloaded_ms"] = isolation is null ? null : N(isolation.IngestP99Unloaded);
        f["ingest_p99_under_fleet_load_ms"] = isolation is null ? null : N(isolation.IngestP99Loaded);
        f["ingest_p99_fleet_ratio"] = Ratio(f["ingest_p99_under_fleet_load_ms"], f["ingest_p99_unloaded_ms"]);
        f["query_p99_unloaded_ms"] = isolation is null ? null : N(isolation.QueryP99Unloaded);
        f["query_p99_under_fleet_load_ms"] = isolation is null ? null : N(isolation.QueryP99Loaded);
        f["query_p99_fleet_ratio"] = Ratio(f["query_p99_under_fleet_load_ms"], f["query_p99_unloaded_ms"]);
        f["fleet_queries_completed"] = isolation?.FleetCompleted;
        f["fleet_queries_refused"] = isolation?.FleetRefused;
        f["auth_ingest_ratio"] = auth is null ? null : N(auth.IngestRatio);
        f["auth_query_ratio"] = auth is null ? null : N(auth.QueryRatio);
        f["cold_query_p50_ms"] = cold is null ? null : N(cold.P50Ms);
        f["cold_query_p99_ms"] = cold is null ? null : N(cold.P99Ms);
        f["live_event_p99_ms"] = Live is null || double.IsNaN(Live.EventP99Ms) ? null : N(Live.EventP99Ms);
        f["ingest_ratio_with_subscribers"] = Live is null || Live.PerSecondAlone <= 0 ? null : N(Live.Ratio);
        return f;
    }

    private IEnumerable<(string Name, bool? Met, string Text)> Targets(Dictionary<string, double?> f)
    {
        (string, bool?, string) T(string name, string key, Func<double, bool> met, string target, Func<string>? why)
        {
            var value = f[key];
            var ok = value is { } v ? met(v) : (bool?)null;
            var text = $"{Format(value)} (target {target})";
            if (ok == false && why is not null)
                text += $"; {why()}";
            return (name, ok, text);
        }
        var ingestWhy = () => ingest.Usage.Cpu.Verdict() + $"; {ingest.Usage.SnapshotWrites:N0} snapshot writes during the ingest";
        yield return T("ingest_vs_raw", "ingest_vs_raw", v => v >= 0.5, ">= 0.5", ingestWhy);
        yield return T("ingest_vs_rowwise", "ingest_vs_rowwise", v => v >= 3, ">= 3", ingestWhy);
        yield return T("activation-heavy ingest vs raw", "activation_ingest_vs_raw", v => v >= 0.5, ">= 0.5", () => Activation?.Usage.Cpu.Verdict() ?? "");
        yield return T("silo CPU per interaction", "silo_us_per_interaction", v => v <= 40, "<= 40 µs", null);
        yield return T("mysqld CPU per interaction", "mysqld_us_per_interaction", v => f["raw_mysqld_us_per_row"] is { } raw && v <= 2 * raw,
            $"<= 2 x raw_mysqld_us_per_row = {Format(2 * f["raw_mysqld_us_per_row"])} µs", null);
        yield return T("silo CPU per new customer", "activation_silo_us", v => v <= 50, "<= 50 µs", null);
        yield return T("telemetry cost, ingest", "telemetry_ingest_ratio", v => v >= 0.95, ">= 0.95", null);
        yield return T("telemetry cost, queries", "telemetry_query_ratio", v => v >= 0.95, ">= 0.95", null);
        yield return T("history_growth", "history_growth", v => v <= 1.25, "<= 1.25", () => history is null ? "" :
            $"natural identity {history.NaturalGrowth:F2}, source id {history.SourceIdGrowth:F2}: a source id on a customer whose recent window is partial costs a read of the interactions table");
        yield return T("GraphQL query p99", "query_p99_ms", v => v <= 10, "<= 10 ms", () => query?.GraphQLUsage?.Cpu.Verdict() ?? "");
        yield return T("GraphQL vs SQL requests/s", "query_vs_sql", v => v >= 2, ">= 2", () => query?.GraphQLUsage?.Cpu.Verdict() ?? "");
        yield return T("bytes per active customer", "bytes_per_customer", v => v <= TargetBytesPerCustomer, "<= 5 KB = 5,120 B", () => memory is null ? "" :
            $"the settled RSS gives {memory.SettledBytesPerCustomer:N0} B; the peak includes the GC's headroom from the ingest");
        yield return T("import records/s", "import_per_s", v => v >= 20_000, ">= 20,000", () => import?.Usage?.Cpu.Verdict() ?? "");
        yield return T("import peak memory", "import_peak_mb", v => v < 300, "< 300 MB", null);
        yield return T("ingest p99 under fleet load", "ingest_p99_fleet_ratio", v => v <= 3, "<= 3 x unloaded", () => isolation?.LoadedUsage.Cpu.Verdict() ?? "");
        yield return T("ingest with 1,000 subscribers", "ingest_ratio_with_subscribers", v => v >= 0.9, ">= 0.9 x without", null);
        yield return T("query p99 under fleet load", "query_p99_fleet_ratio", v => v <= 3, "<= 3 x unloaded", () => isolation?.LoadedUsage.Cpu.Verdict() ?? "");
        yield return T("ingest with keys vs without", "auth_ingest_ratio", v => v >= 0.95, ">= 0.95", null);
        yield return T("queries with keys vs without", "auth_query_ratio", v => v >= 0.95, ">= 0.95", null);
    }

    public static string Json(Dictionary<string, double?> figures)
    {
        var json = new JsonObject();
        foreach (var (key, value) in figures)
            json[key] = value is { } v ? JsonValue.Create(Round(key, v)) : null;
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    private static double Round(string key, double v) =>
        key.EndsWith("_per_s", StringComparison.Ordinal) || key == "bytes_per_customer" ? Math.Round(v)
        : key.EndsWith("_ms", StringComparison.Ordinal) || key == "projection_lag_s" || key == "import_peak_mb" ? Math.Round(v, 2)
        : key.Contains("_us", StringComparison.Ordinal) ? Math.Round(v, 1)
        : Math.Round(v, 3);

    internal static string Format(double? v) => v is null ? "null" : v.Value switch
    {
        >= 1000 => v.Value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => v.Value.ToString("F1", CultureInfo.InvariantCulture),
        _ => v.Value.ToString("F3", CultureInfo.InvariantCulture),
    };

    private static int Median(int[] values) => values.Order().ElementAt(values.Length / 2);

    private static string Machine()
    {
        try
        {
            var model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
            var memory = File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return $"{model}, {long.Parse(memory, CultureInfo.InvariantCulture) / 1024 / 1024} GiB";
        }
        catch (IOException)
        {
            return "unknown machine";
        }
    }
}
