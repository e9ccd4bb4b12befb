namespace CxActors.Bench;

/// <summary>Sizes and knobs of one run. <c>--quick</c> and <c>--smoke</c> are presets; any option overrides them.</summary>
public sealed class BenchOptions
{
    public const string Usage = """
        usage: ./cx bench [--quick | --smoke | --growth] [options]
          --quick                 smoke-sized run, under 3 minutes (100,000 interactions over 10,000 customers)
          --growth                two whole runs in one invocation, the default size then 4,000,000 interactions over
                                  400,000 customers (or --growth-interactions / --growth-customers), and the ratios
                                  growth_ingest, growth_import, growth_fleet_query (large / default); about 40 minutes
          --growth-interactions N the large run's interactions (default 4,000,000)
          --growth-customers N    the large run's customers (default 400,000)
          --smoke                 tiny run (seconds of load) that only proves the harness works; figures are noise
          --interactions N        interactions ingested in part 1 (default 1,000,000)
          --customers N           customers they belong to (default 100,000)
          --batch N               interactions per ingest request (default 1,000)
          --ingest-clients N      concurrent ingest clients (default 8)
          --rowwise-1-rows N      rows for the one-connection row-wise reference (default 20,000)
          --rowwise-20-rows N     rows for the 20-connection row-wise reference (default 60,000)
          --raw-rows N            rows for the raw references (a), (a') and 1a (default: every generated row)
          --activation-interactions N  interactions of the activation-heavy load, every customer new (default: a fifth
                                  of --interactions)
          --no-telemetry-part     skip the settings-cost parts: telemetry on/off (four silo restarts) and the Orleans
                                  dashboard off/on/profiling (six; three in --smoke)
          --history-levels A,B,C  history lengths for part 2 (default 10,1000,100000)
          --history-samples N     single-interaction requests per level and identity kind (default 300)
          --query-clients N       concurrent query clients (default 16)
          --query-seconds N       seconds per query measurement (default 20)
          --import-records N      records in the generated e-mail export for part 5 (default 1,000,000)
          --fleet-clients N       part 6: clients sending the costliest fleet documents (default 4)
          --fleet-days N          part 6: the contactCounts window, days back from now (default 30)
          --isolation-seconds N   part 6: seconds per phase, probes alone and under fleet load (default 20)
          --cold-customers N      part 7: customers queried once after the silo restart (default: a tenth of --customers)
          --seed N                data seed (default 42)
          --database NAME         the bench database, dropped and recreated (default cx_bench)
          --keep-silo             leave the silo running at the end (prints its URL)
          --api-key KEY           the key the bench's requests carry, stored (hashed) in its own database with every
                                  scope; else CX_API_KEY, else .data/local-api-key, else a new one
        environment: CX_BENCH_MYSQL (a MySqlConnector connection string to the server; ./cx bench sets it),
                     CX_ROOT (the repository root; ./cx bench sets it),
                     CX_CONFIGURATION (the build whose silo and importer run: Release unless set; the smoke test sets it)
        """;

    /// <summary>The build configuration of the silo and importer binaries the bench starts.</summary>
    public static string Configuration => Environment.GetEnvironmentVariable("CX_CONFIGURATION") is { Length: > 0 } c ? c : "Release";

    public string Mode { get; private set; } = "default";
    public int Interactions { get; set; } = 1_000_000;
    public int Customers { get; set; } = 100_000;
    public int Batch { get; set; } = 1_000;
    public int IngestClients { get; set; } = 8;
    public int Rowwise1Rows { get; set; } = 20_000;
    public int Rowwise20Rows { get; set; } = 60_000;
    /// <summary>Rows of the raw references (a) and (a'); all the generated rows unless set (for quicker experiments).</summary>
    public int? RawRows { get; set; }
    /// <summary>The activation-heavy load's interactions; a fifth of <see cref="Interactions"/> unless set.</summary>
    public int? ActivationInteractionsSet { get; set; }
    public int ActivationInteractions => ActivationInteractionsSet ?? Math.Max(Batch, Interactions / 5);
    public bool TelemetryPart { get; set; } = true;
    public bool Growth { get; set; }
    public int GrowthInteractions { get; set; } = 4_000_000;
    public int GrowthCustomers { get; set; } = 400_000;
    public int[] HistoryLevels { get; set; } = [10, 1_000, 100_000];
    public int HistorySamples { get; set; } = 300;
    public int QueryClients { get; set; } = 16;
    public double QuerySeconds { get; set; } = 20;
    public int ImportRecords { get; set; } = 1_000_000;
    public int FleetClients { get; set; } = 4;
    public double FleetDays { get; set; } = 30;
    public double IsolationSeconds { get; set; } = 20;
    /// <summary>Customers of part 7; a tenth of <see cref="Customers"/> unless set.</summary>
    public int? ColdCustomers { get; set; }
    public int Seed { get; set; } = 42;
    public string Database { get; set; } = "cx_bench";
    public bool KeepSilo { get; set; }
    public string? ApiKey { get; set; }
    public string ServerConnectionString { get; set; } = "";
    public string Root { get; set; } = "";

    public static BenchOptions? Parse(string[] args, TextWriter error)
    {
        var o = new BenchOptions();
        // Presets first, so that explicit sizes given in any order override them.
        if (args.Contains("--quick"))
        {
            o.Mode = "quick";
            o.Interactions = 100_000; o.Customers = 10_000;
            o.Rowwise1Rows = 5_000; o.Rowwise20Rows = 20_000;
            o.HistorySamples = 150; o.QuerySeconds = 8; o.ImportRecords = 100_000;
            o.IsolationSeconds = 8;
        }
        else if (args.Contains("--smoke"))
        {
            o.Mode = "smoke";
            o.Interactions = 4_000; o.Customers = 400; o.Batch = 500; o.IngestClients = 4;
            o.Rowwise1Rows = 500; o.Rowwise20Rows = 1_000;
            o.HistoryLevels = [10, 1_000]; o.HistorySamples = 20;
            o.QueryClients = 4; o.QuerySeconds = 1; o.ImportRecords = 2_000;
            o.FleetClients = 2; o.IsolationSeconds = 2;
        }
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next().Replace(",", "").Replace("_", ""), CultureInfo.InvariantCulture);
            try
            {
                switch (args[i])
                {
                    case "--quick" or "--smoke": break;
                    case "--interactions": o.Interactions = Int(); break;
                    case "--customers": o.Customers = Int(); break;
                    case "--batch": o.Batch = Int(); break;
                    case "--ingest-clients": o.IngestClients = Int(); break;
                    case "--rowwise-1-rows": o.Rowwise1Rows = Int(); break;
                    case "--rowwise-20-rows": o.Rowwise20Rows = Int(); break;
                    case "--raw-rows": o.RawRows = Int(); break;
                    case "--activation-interactions": o.ActivationInteractionsSet = Int(); break;
                    case "--no-telemetry-part": o.TelemetryPart = false; break;
                    case "--growth": o.Growth = true; break;
                    case "--growth-interactions": o.GrowthInteractions = Int(); break;
                    case "--growth-customers": o.GrowthCustomers = Int(); break;
                    case "--history-levels":
                        o.HistoryLevels = [.. Next().Split(',').Select(s => int.Parse(s.Replace("_", ""), CultureInfo.InvariantCulture)).Order()];
                        break;
                    case "--history-samples": o.HistorySamples = Int(); break;
                    case "--query-clients": o.QueryClients = Int(); break;
                    case "--query-seconds": o.QuerySeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--import-records": o.ImportRecords = Int(); break;
                    case "--fleet-clients": o.FleetClients = Int(); break;
                    case "--fleet-days": o.FleetDays = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--isolation-seconds": o.IsolationSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "--cold-customers": o.ColdCustomers = Int(); break;
                    case "--seed": o.Seed = Int(); break;
                    case "--database": o.Database = Next(); break;
                    case "--keep-silo": o.KeepSilo = true; break;
                    case "--api-key": o.ApiKey = Next(); break;
                    case "--mysql": o.ServerConnectionString = Next(); break;
                    case "--root": o.Root = Next(); break;
                    default: throw new ArgumentException($"unknown option {args[i]}");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
            {
                error.WriteLine($"cx bench: {ex.Message}\n{Usage}");
                return null;
            }
        }
        if (o.ServerConnectionString.Length == 0)
            o.ServerConnectionString = Environment.GetEnvironmentVariable("CX_BENCH_MYSQL") ?? "";
        if (o.Root.Length == 0)
            o.Root = Environment.GetEnvironmentVariable("CX_ROOT") ?? FindRoot();
        o.ApiKey ??= Environment.GetEnvironmentVariable("CX_API_KEY") is { Length: > 0 } key ? key.Trim() : LocalKey(o.Root);
        if (o.ApiKey is not null && !CxActors.Access.ApiKeys.IsWellFormed(o.ApiKey))
        {
            error.WriteLine("cx bench: --api-key / CX_API_KEY is not a CxActors key (cxk_...)");
            return null;
        }
        if (o.ServerConnectionString.Length == 0)
        {
            error.WriteLine("cx bench: no MySQL server: run it as ./cx bench (or set CX_BENCH_MYSQL)");
            return null;
        }
        if (o.Customers < 1 || o.Interactions < o.Customers || o.Batch < 1 || o.IngestClients < 1 || o.QueryClients < 1
            || o.FleetClients < 1 || o.ActivationInteractions < 1 || (o.Growth && (o.GrowthCustomers < 1 || o.GrowthInteractions < o.GrowthCustomers)) || o.IsolationSeconds <= 0 || o.FleetDays <= 0 || o.ColdCustomers < 1
            || o.HistoryLevels.Length < 2 || o.HistoryLevels[0] < 1 || !System.Text.RegularExpressions.Regex.IsMatch(o.Database, "^[A-Za-z0-9_]+$"))
        {
            error.WriteLine($"cx bench: inconsistent sizes (need interactions >= customers >= 1, two history levels or more, a plain database name)\n{Usage}");
            return null;
        }
        if (o.Growth && o.Mode != "default")
        {
            error.WriteLine("cx bench: --growth runs the default size and the large one; it does not combine with --quick or --smoke");
            return null;
        }
        return o;
    }

    /// <summary>The large run of <c>--growth</c>: these options with the growth sizes and everything else the same.</summary>
    public BenchOptions ForGrowth()
    {
        var large = (BenchOptions)MemberwiseClone();
        large.Mode = "growth";
        large.Interactions = GrowthInteractions;
        large.Customers = GrowthCustomers;
        large.Growth = false;
        return large;
    }

    /// <summary>./cx up's key, when there is one (the bench stores it in its own database, so the same key works there).</summary>
    private static string? LocalKey(string root)
    {
        var file = Path.Combine(root, ".data", "local-api-key");
        return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } key ? key : null;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CxActors.sln")))
                return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
