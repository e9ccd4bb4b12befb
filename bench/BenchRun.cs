using System.Net;
using CxActors.Bench.Data;
using CxActors.Bench.Infrastructure;
using CxActors.Bench.Parts;

namespace CxActors.Bench;

/// <summary>One run: database, data, silo, the eight parts in an order that reuses their data, the report.</summary>
public static class BenchRun
{
    private const int WarmupCustomers = 50;

    public static async Task<int> RunAsync(BenchOptions o)
    {
        if (!o.Growth)
            return (await RunOnceAsync(o)) is null ? 1 : 0;
        // --growth: the default size, then the large one, each a whole run on a recreated database.
        var small = await RunOnceAsync(o);
        if (small is null)
            return 1;
        var large = await RunOnceAsync(o.ForGrowth());
        if (large is null)
            return 1;
        GrowthReport.Print(Console.Out, o, small, large);
        return 0;
    }

    /// <summary>One whole run; its figures (printed, JSON last), or null when it failed.</summary>
    private static async Task<Dictionary<string, double?>?> RunOnceAsync(BenchOptions o)
    {
        var clock = Stopwatch.StartNew();
        BenchContext.Log($"cx bench ({o.Mode}): database {o.Database}, {o.Interactions:N0} interactions over {o.Customers:N0} customers");
        var database = await BenchDatabase.RecreateAsync(o.ServerConnectionString, o.Database);
        var mysqlPid = MySqlPid(Path.Combine(o.Root, ".data", "mariadb.pid")) ?? MySqlPid(await ServerPidFileAsync(database));
        if (mysqlPid is null)
            BenchContext.Log("MariaDB's pid file was found neither under .data/ nor at @@pid_file: its CPU is counted as 'other'");

        BenchContext.Log("generating the synthetic data");
        var data = new SyntheticData(o.Seed, o.Customers, o.Interactions, DateTime.UtcNow);

        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
        })
        { Timeout = TimeSpan.FromMinutes(10) };

        BenchContext.Log("starting the silo");
        var siloSettings = new Dictionary<string, string>
        {
            ["Orleans:ClusterId"] = "cx-bench",
            ["Logging:LogLevel:CxActors"] = "Warning",
        };
        var silo = await SiloProcess.StartAsync(database.ConnectionString, siloSettings, apiKey: o.ApiKey);
        // Every request of the bench carries the key (stored in the bench database with every scope); a restarted silo
        // is given the same key.
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", silo.ApiKey);
        await using var stopSilo = new StopUnlessKept(silo, o.KeepSilo);
        BenchContext.Log($"silo {silo.Url} (pid {silo.Pid}) is healthy");
        var ctx = new BenchContext(o, database, silo, http, data, mysqlPid);
        try
        {
            var baseline = await WarmUpAsync(ctx);
            var refs = await ReferenceBench.RunAsync(ctx);
            var ingest = await IngestBench.RunAsync(ctx);
            var rawLimit = await RawLimitBench.RunAsync(ctx);
            var query = await QueryBench.RunAsync(ctx);
            var stats = await ContactStatsBench.RunAsync(ctx);
            var resolution = await ResolutionBench.RunAsync(ctx);
            // Part 4 reads the silo's working set now: every ingested customer has been activated by part 1 and
            // is still active (idle grains are collected after 15 minutes by default).
            var memory = new MemoryResult(o.Customers + WarmupCustomers, baseline,
                ProcessStats.StatusBytes(silo.Pid, "VmHWM") ?? 0, ProcessStats.StatusBytes(silo.Pid, "VmRSS") ?? 0);
            var history = await HistoryGrowthBench.RunAsync(ctx);
            var activation = await ActivationBench.RunAsync(ctx);
            var isolation = await FleetIsolationBench.RunAsync(ctx);
            var import = await ImportBench.RunAsync(ctx);
            var auth = await AuthCostBench.RunAsync(ctx);
            var live = await LiveFeedBench.RunAsync(ctx);
            // Last: it replaces the silo (every figure above was read from the first one).
            var cold = await ColdQueryBench.RunAsync(ctx, async ports =>
                stopSilo.Silo = await SiloProcess.StartAsync(database.ConnectionString, siloSettings, ports, silo.ApiKey, keyStored: true));
            // After every other figure: they restart the silo, with telemetry off and on, then with the Orleans dashboard off and on.
            async Task<SiloProcess> RestartWith(SiloPorts ports, IDictionary<string, string> extra) =>
                stopSilo.Silo = await SiloProcess.StartAsync(database.ConnectionString,
                    new Dictionary<string, string>(siloSettings.Where(s => !extra.ContainsKey(s.Key)).Concat(extra)), ports, silo.ApiKey, keyStored: true);
            var telemetry = o.TelemetryPart ? await TelemetryBench.RunAsync(ctx, RestartWith) : null;
            var dashboard = o.TelemetryPart ? await DashboardCostBench.RunAsync(ctx, RestartWith) : null;

            var stopped = await StopAsync(ctx);
            ctx.Notes.Add(stopped);
            return new Report(ctx, refs, ingest, history, query, memory, import, isolation, cold, auth, clock.Elapsed)
            {
                Stats = stats,
                Resolution = resolution,
                Live = live,
                RawLimit = rawLimit,
                Activation = activation,
                Telemetry = telemetry,
                Dashboard = dashboard,
            }.Print(Console.Out);
        }
        catch (Exception ex)
        {
            BenchContext.Log($"the benchmark failed: {ex}");
            if (!ctx.Silo.HasExited)
                BenchContext.Log($"silo output (last lines):\n{ctx.Silo.Output}");
            await ctx.Silo.StopAsync(TimeSpan.FromSeconds(5));
            return null;
        }
    }

    /// <summary>
    /// A few customers through both front doors, so that JIT, pools and caches are warm; then the silo's working set
    /// as the baseline that part 4 subtracts.
    /// </summary>
    private static async Task<long> WarmUpAsync(BenchContext ctx)
    {
        BenchContext.Log($"warming up: {WarmupCustomers} customers through ingest and GraphQL");
        long sourceNumber = 8_000_000_000;
        var now = DateTime.UtcNow.AddDays(-2).Ticks / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;
        for (var round = 0; round < 4; round++)
        {
            var body = SyntheticData.CanonicalBody(Enumerable.Range(0, WarmupCustomers)
                .Select(c => (ctx.Data.Make(0, now + (round * WarmupCustomers + c) * TimeSpan.TicksPerSecond, ref sourceNumber), $"warmup-{c}@{SyntheticData.Domain}")));
            await ctx.PostInteractionsAsync(body);
        }
        if (await QueryBench.GraphQLAvailableAsync(ctx))
            for (var q = 0; q < 200; q++)
                (await QueryBench.PostGraphQLAsync(ctx, QueryBench.CustomerQuery, $"warmup-{q % WarmupCustomers}@{SyntheticData.Domain}")).Dispose();
        await Task.Delay(2000);
        return ProcessStats.StatusBytes(ctx.Silo.Pid, "VmRSS") ?? 0;
    }

    private static async Task<string> StopAsync(BenchContext ctx)
    {
        if (ctx.Options.KeepSilo)
            return $"the silo keeps running on {ctx.Silo.Url} (pid {ctx.Silo.Pid}); database {ctx.Database.Name}";
        BenchContext.Log("stopping the silo (SIGTERM; kill -9 after 20 s)");
        var pending = await ctx.Database.ScalarAsync("SELECT COUNT(*) FROM customers") - await ctx.Database.ScalarAsync("SELECT COUNT(*) FROM OrleansStorage");
        var clock = Stopwatch.StartNew();
        var graceful = await ctx.Silo.StopAsync(TimeSpan.FromSeconds(20));
        return graceful
            ? $"the silo stopped gracefully in {clock.Elapsed.TotalSeconds:F1} s"
            : $"the silo did not stop within 20 s of SIGTERM and was killed: deactivating writes each grain's snapshot, and {pending:N0} customers had none yet " +
              "(nothing is lost: the interactions log holds every acknowledged row)";
    }

    /// <summary>Kills the silo when the run ends, however it ends, unless --keep-silo asked to leave it running.</summary>
    private sealed class StopUnlessKept(SiloProcess silo, bool keep) : IAsyncDisposable
    {
        /// <summary>The silo running now (part 7 restarts it).</summary>
        public SiloProcess Silo { get; set; } = silo;

        public ValueTask DisposeAsync() => keep ? ValueTask.CompletedTask : Silo.DisposeAsync();
    }

    /// <summary>The server's own pid file (a server of another checkout, or not started by ./cx); null if it does not say.</summary>
    private static async Task<string?> ServerPidFileAsync(BenchDatabase database)
    {
        try
        {
            await using var connection = await database.OpenAsync();
            await using var command = new MySqlCommand("SELECT @@pid_file", connection);
            return await command.ExecuteScalarAsync() as string;
        }
        catch (MySqlException)
        {
            return null;
        }
    }

    private static int? MySqlPid(string? pidFile)
    {
        if (pidFile is null)
            return null;
        try
        {
            return int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
