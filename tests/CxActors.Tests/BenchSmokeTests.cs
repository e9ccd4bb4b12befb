using System.Diagnostics;
using System.Text.Json;
using MySqlConnector;

namespace CxActors.Tests;

/// <summary>
/// Keeps the benchmark program working, not its figures: `--smoke` runs every part on a few thousand records and
/// must end with the JSON line carrying every figure the benchmark issue names. No timing is asserted.
/// </summary>
public sealed class BenchSmokeTests
{
    private static readonly string[] Figures =
    [
        "ingest_per_s", "ingest_p50_ms", "ingest_p99_ms", "projection_lag_s", "raw_insert_per_s", "rowwise_1_per_s",
        "rowwise_20_per_s", "ingest_vs_raw", "ingest_vs_rowwise", "history_growth", "query_per_s", "query_p50_ms",
        "query_p99_ms", "sql_query_per_s", "query_vs_sql", "fleet_query_ms", "bytes_per_customer", "import_per_s",
        "import_peak_mb",
        // Fleet load isolation (part 6) and cold queries after a restart (part 7).
        "ingest_p99_unloaded_ms", "ingest_p99_under_fleet_load_ms", "ingest_p99_fleet_ratio", "query_p99_unloaded_ms",
        "query_p99_under_fleet_load_ms", "query_p99_fleet_ratio", "fleet_queries_completed", "fleet_queries_refused",
        "cold_query_p50_ms", "cold_query_p99_ms", "auth_ingest_ratio", "auth_query_ratio",
        // contactStats beside GROUP BY over interactions (part 3b).
        "stats_query_ms", "stats_vs_sql",
        // Repeat contacts (part 3c), each beside a plain SQL computation of the same answer.
        "resolution_stats_ms", "resolution_stats_sql_ms", "repeat_callers_ms", "repeat_callers_sql_ms",
        // The live feed (part 8).
        "live_event_p99_ms", "ingest_ratio_with_subscribers",
        // Issue 14: the raw reference measured after part 1 (prebuilt INSERT text, LOAD DATA), the activation-heavy
        // load, CPU per interaction; issue 11: telemetry on against off.
        "raw_param_insert_per_s", "raw_text_insert_per_s", "raw_bulk_insert_per_s", "activation_ingest_per_s",
        "activation_ingest_vs_raw", "silo_us_per_interaction", "mysqld_us_per_interaction", "raw_mysqld_us_per_row",
        "activation_silo_us", "telemetry_ingest_ratio", "telemetry_query_ratio",
        // Issue 11: the Orleans dashboard's cost on ingest, as shipped and with grain profiling.
        "dashboard_ingest_ratio", "dashboard_profiling_ingest_ratio",
    ];

    [Fact]
    public async Task The_smoke_run_ends_with_every_figure()
    {
        var server = Environment.GetEnvironmentVariable("CX_TEST_MYSQL")
            ?? throw new InvalidOperationException("CX_TEST_MYSQL is not set: run the tests with ./cx test, which starts MariaDB.");
        var database = "cx_test_bench_" + Guid.NewGuid().ToString("N")[..8];
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var root = SiloProcess.RepositoryRoot();
        var dll = Path.Combine(root, "bench", "bin", configuration, "net10.0", "CxActors.Bench.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--smoke", "--database", database])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["CX_BENCH_MYSQL"] = server;
        start.Environment["CX_ROOT"] = root;
        start.Environment["CX_CONFIGURATION"] = configuration;
        try
        {
            using var bench = Process.Start(start)!;
            var stderr = bench.StandardError.ReadToEndAsync();
            var stdout = await bench.StandardOutput.ReadToEndAsync();
            await bench.WaitForExitAsync();
            Assert.True(bench.ExitCode == 0, $"exit {bench.ExitCode}\n{stdout}\n{await stderr}");

            var last = stdout.TrimEnd().Split('\n')[^1];
            using var figures = JsonDocument.Parse(last);
            Assert.Equal(Figures.Order(), figures.RootElement.EnumerateObject().Select(p => p.Name).Order());
            Assert.True(figures.RootElement.GetProperty("ingest_per_s").GetDouble() > 0, last);
            Assert.True(figures.RootElement.GetProperty("import_per_s").GetDouble() > 0, last);
            // The parts ran (values present), whatever they measured.
            foreach (var figure in new[] { "ingest_p99_under_fleet_load_ms", "query_p99_under_fleet_load_ms", "cold_query_p50_ms", "stats_query_ms", "stats_vs_sql",
                         "raw_text_insert_per_s", "raw_bulk_insert_per_s", "activation_ingest_per_s", "silo_us_per_interaction",
                         "telemetry_ingest_ratio", "telemetry_query_ratio", "dashboard_ingest_ratio", "dashboard_profiling_ingest_ratio" })
                Assert.True(figures.RootElement.GetProperty(figure).GetDouble() > 0, last);
            Assert.True(figures.RootElement.GetProperty("fleet_queries_completed").GetDouble()
                + figures.RootElement.GetProperty("fleet_queries_refused").GetDouble() > 0, last);
        }
        finally
        {
            await using var connection = new MySqlConnection(new MySqlConnectionStringBuilder(server) { Database = "" }.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{database}`", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
