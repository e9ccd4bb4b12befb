namespace CxActors.Bench;

/// <summary>
/// <c>--growth</c>'s summary after its two runs (each printed its own report): the large run's ingest and import rates
/// and fleet query time over the default run's, and as the last line one JSON object with them and both runs' inputs.
/// </summary>
public static class GrowthReport
{
    public static void Print(TextWriter output, BenchOptions o, Dictionary<string, double?> small, Dictionary<string, double?> large)
    {
        static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;
        var figures = new Dictionary<string, double?>
        {
            ["growth_ingest"] = Ratio(large["ingest_per_s"], small["ingest_per_s"]),
            ["growth_import"] = Ratio(large["import_per_s"], small["import_per_s"]),
            ["growth_fleet_query"] = Ratio(large["fleet_query_ms"], small["fleet_query_ms"]),
            ["growth_raw_insert"] = Ratio(large["raw_insert_per_s"], small["raw_insert_per_s"]),
            ["small_interactions"] = o.Interactions,
            ["large_interactions"] = o.GrowthInteractions,
        };
        output.WriteLine();
        output.WriteLine($"CxActors benchmark (growth): {o.GrowthInteractions:N0} interactions over {o.GrowthCustomers:N0} customers against {o.Interactions:N0} over {o.Customers:N0}");
        void Row(string key, string value, string meaning) => output.WriteLine($"{key,-30} {value,14}   {meaning}");
        string F(double? v) => Report.Format(v);
        Row("growth_ingest", F(figures["growth_ingest"]), $"ingest_per_s large / default: {F(large["ingest_per_s"])} / {F(small["ingest_per_s"])} (target >= 0.67)");
        Row("growth_import", F(figures["growth_import"]), $"import_per_s large / default: {F(large["import_per_s"])} / {F(small["import_per_s"])} (target >= 0.67)");
        Row("growth_fleet_query", F(figures["growth_fleet_query"]), $"fleet_query_ms large / default: {F(large["fleet_query_ms"])} / {F(small["fleet_query_ms"])} ms (target <= 1.5)");
        Row("growth_raw_insert", F(figures["growth_raw_insert"]), $"raw_insert_per_s large / default: {F(large["raw_insert_per_s"])} / {F(small["raw_insert_per_s"])} (MySQL's own slowdown, for comparison)");
        output.WriteLine();
        output.WriteLine(Report.Json(figures));
    }
}
