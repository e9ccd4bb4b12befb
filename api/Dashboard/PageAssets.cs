using System.Collections.Frozen;
using System.Security.Cryptography;

namespace CxActors.Dashboard;

/// <summary>
/// The pages' files (HTML, our script and style, the ECharts browser bundle), embedded in this assembly at build time
/// from <c>api/Dashboard/pages</c> and its pinned npm packages: nothing is fetched from a CDN.
/// </summary>
public sealed class PageAssets
{
    private const string Prefix = "pages/";

    private readonly FrozenDictionary<string, Asset> _assets;

    public PageAssets()
    {
        var assembly = typeof(PageAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
                continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
            assets[name[Prefix.Length..]] = new Asset(bytes, ContentType(name), etag);
        }
        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryGet(string file, out Asset asset) => _assets.TryGetValue(file, out asset!);

    public sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}
