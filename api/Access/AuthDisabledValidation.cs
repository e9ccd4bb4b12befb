using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CxActors.Access;

/// <summary>
/// <c>Auth:Disabled</c> is refused unless every address the host listens on is a loopback one (<c>urls</c> /
/// <c>ASPNETCORE_URLS</c> and <c>Kestrel:Endpoints:*:Url</c> naming 127.0.0.0/8, ::1 or localhost; no
/// <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTPS_PORTS</c>, which bind every interface). A container (compose listens on
/// 0.0.0.0) or any server reachable from the network cannot start with authentication off, by mistake or otherwise.
/// </summary>
public sealed class AuthDisabledValidation(IConfiguration configuration) : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        if (!options.Disabled)
            return ValidateOptionsResult.Success;
        var exposed = ListeningAddresses(configuration).Where(url => !IsLoopback(url)).ToList();
        if (configuration["http_ports"] is { Length: > 0 } || configuration["https_ports"] is { Length: > 0 })
            exposed.Add("ASPNETCORE_HTTP_PORTS/HTTPS_PORTS (every interface)");
        if (ListeningAddresses(configuration).Count == 0 && exposed.Count == 0)
            exposed.Add("(no urls configured: set ASPNETCORE_URLS to a loopback address)");
        return exposed.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                "Auth:Disabled=true (authentication off) is only for measuring on one machine: the host must listen on loopback " +
                "addresses only (e.g. ASPNETCORE_URLS=http://127.0.0.1:5080), and it listens on " + string.Join(", ", exposed) + ".");
    }

    private static List<string> ListeningAddresses(IConfiguration configuration)
    {
        var urls = (configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
            if (endpoint["Url"] is { Length: > 0 } url)
                urls.Add(url);
        return urls;
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            return false; // "http://+:80", "http://*:80": every interface
        if (uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
