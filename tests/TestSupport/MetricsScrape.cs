using System.Globalization;
using System.Text.RegularExpressions;

namespace CxActors.TestSupport;

/// <summary>The samples of a Prometheus text exposition (a silo's <c>/metrics</c>): name, labels, value.</summary>
public sealed partial class MetricsScrape(List<(string Name, Dictionary<string, string> Labels, double Value)> samples)
{
    /// <summary>GET /metrics with <paramref name="http"/>'s credentials, parsed.</summary>
    public static async Task<MetricsScrape> ReadAsync(HttpClient http) => Parse(await http.GetStringAsync("/metrics"));

    public static MetricsScrape Parse(string text)
    {
        var samples = new List<(string, Dictionary<string, string>, double)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var match = Sample().Match(line);
            if (!match.Success)
                continue;
            var labels = Label().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value);
            samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
        return new MetricsScrape(samples);
    }

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include <paramref name="labels"/> (0 if none).</summary>
    public double Sum(string name, IReadOnlyDictionary<string, string>? labels = null) => samples
        .Where(s => s.Name == name && (labels ?? new Dictionary<string, string>()).All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value))
        .Sum(s => s.Value);

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)")]
    private static partial Regex Sample();

    [GeneratedRegex(@"(?<key>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
