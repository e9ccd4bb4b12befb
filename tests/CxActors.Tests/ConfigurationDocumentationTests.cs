using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using CxActors.Access;
using CxActors.Api;
using CxActors.Customers;
using CxActors.Database;
using CxActors.Ingest.Pipeline;
using CxActors.ServiceDefaults;
using CxActors.Storage;

namespace CxActors.Tests;

/// <summary>
/// README's configuration table is checked against the options classes: every option has a row with its true default,
/// and every row names a real option. Defaults live in the classes only; the table cannot drift from them.
/// </summary>
public sealed partial class ConfigurationDocumentationTests
{
    private static readonly Type[] OptionsTypes =
    [
        typeof(DatabaseOptions), typeof(SiloEndpointOptions), typeof(InteractionLogOptions), typeof(CustomerHistoryOptions),
        typeof(IngestApiOptions), typeof(GraphQLApiOptions), typeof(AccessOptions), typeof(CustomerHashOptions),
        typeof(CxActors.Privacy.RetentionOptions), typeof(TelemetryOptions), typeof(CxActors.Dashboard.OrleansDashboardOptions),
        typeof(CxActors.Api.Live.LiveOptions), typeof(CxActors.Ingest.PhoneOptions),
    ];

    private static Dictionary<string, string> Documented()
    {
        var readme = File.ReadAllText(Path.Combine(SiloProcess.RepositoryRoot(), "README.md"));
        return Row().Matches(readme).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["default"].Value.Trim());
    }

    public static TheoryData<string, string> Options()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in OptionsTypes)
        {
            var section = (string)type.GetField("Section")!.GetValue(null)!;
            var defaults = Activator.CreateInstance(type)!;
            // Scalar options only; nested sections (Auth:Jwt, Auth:RateLimits) are documented in rows of their own form.
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                         .Where(p => p.CanWrite && (p.PropertyType.IsValueType || p.PropertyType == typeof(string))))
            {
                // DatabaseOptions.ConnectionString is bound from ConnectionStrings:Cx, not from its section.
                var key = type == typeof(DatabaseOptions) && property.Name == nameof(DatabaseOptions.ConnectionString)
                    ? "ConnectionStrings:Cx" : $"{section}:{property.Name}";
                var value = property.GetValue(defaults);
                data.Add(key, value is null && Nullable.GetUnderlyingType(property.PropertyType) is not null ? "(off)" : Format(value));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Options))]
    public void Every_option_has_a_row_with_its_default(string key, string defaultValue)
    {
        Assert.True(Documented().TryGetValue(key, out var documented), $"README's configuration table has no row for `{key}`");
        Assert.Equal(defaultValue, documented);
    }

    [Fact]
    public void Every_row_names_a_real_option()
    {
        var known = Options().Select(row => (string)row[0]).ToHashSet();
        var stale = Documented().Keys.Where(k => !known.Contains(k)).ToList();
        Assert.True(stale.Count == 0, $"README documents options that do not exist: {string.Join(", ", stale)}");
    }

    private static string Format(object? value) => value switch
    {
        null or "" => "(required)",
        bool b => b ? "`true`" : "`false`",
        TimeSpan t => $"`{t.ToString("c", CultureInfo.InvariantCulture)}`",
        IFormattable f => $"`{f.ToString(null, CultureInfo.InvariantCulture)}`",
        _ => $"`{value}`",
    };

    // | `Section:Key` | default | meaning |
    [GeneratedRegex(@"^\| `(?<key>[A-Za-z]+:[A-Za-z]+)` \| (?<default>[^|]+) \|", RegexOptions.Multiline)]
    private static partial Regex Row();
}
