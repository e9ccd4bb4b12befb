using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CxActors.Api.Http;

/// <summary>
/// Browser files embedded in an assembly at build time under one resource prefix (our pages and the pinned npm
/// bundles: no CDN is ever contacted), read once at start and served with an ETag. HTML is revalidated on every load
/// so that a new version shows at once; scripts and styles are cached for an hour.
/// </summary>
public abstract class EmbeddedAssets
{
    private readonly FrozenDictionary<string, Asset> _assets;

    protected EmbeddedAssets(Assembly assembly, string prefix)
    {
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"";
            assets[name[prefix.Length..]] = new Asset(bytes, ContentType(name), etag);
        }
        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryGet(string file, out Asset asset) => _assets.TryGetValue(file, out asset!);

    /// <summary>The file with its cache headers, 304 when the browser holds this version, 404 when there is no such file.</summary>
    public IResult Serve(HttpContext http, string file)
    {
        if (!TryGet(file, out var asset))
            return Results.NotFound();
        var page = file.EndsWith(".html", StringComparison.Ordinal);
        var headers = http.Response.GetTypedHeaders();
        headers.CacheControl = new CacheControlHeaderValue { Public = true, NoCache = page, MaxAge = page ? null : TimeSpan.FromHours(1) };
        headers.ETag = new EntityTagHeaderValue(asset.ETag);
        if (http.Request.Headers.IfNoneMatch == asset.ETag)
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    public sealed record Asset(byte[] Content, string ContentType, string ETag);

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
