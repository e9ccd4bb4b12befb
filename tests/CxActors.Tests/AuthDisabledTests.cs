using System.Net;
using System.Text;
using CxActors.Access;
using Microsoft.Extensions.Configuration;

namespace CxActors.Tests;

/// <summary>Auth:Disabled: refused on start unless the host listens on loopback only; when on, every caller has every scope and the silo says so.</summary>
public sealed class AuthDisabledTests
{
    private static bool Valid(bool disabled, params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new AuthDisabledValidation(configuration).Validate(null, new AccessOptions { Disabled = disabled }).Succeeded;
    }

    [Fact]
    public void Off_is_always_valid_and_on_only_with_loopback_addresses()
    {
        Assert.True(Valid(false, ("urls", "http://0.0.0.0:8080"), ("http_ports", "8080")));
        Assert.True(Valid(true, ("urls", "http://127.0.0.1:5080")));
        Assert.True(Valid(true, ("urls", "http://localhost:5080;http://[::1]:5081")));
        Assert.True(Valid(true, ("Kestrel:Endpoints:Http:Url", "http://127.0.0.2:5080")));

        Assert.False(Valid(true, ("urls", "http://0.0.0.0:8080"))); // docker-compose's
        Assert.False(Valid(true, ("urls", "http://+:8080")));
        Assert.False(Valid(true, ("urls", "http://*:8080")));
        Assert.False(Valid(true, ("urls", "http://127.0.0.1:5080;http://10.0.0.5:5080")));
        Assert.False(Valid(true, ("urls", "http://127.0.0.1:5080"), ("http_ports", "8080")));
        Assert.False(Valid(true, ("urls", "http://127.0.0.1:5080"), ("Kestrel:Endpoints:Public:Url", "http://0.0.0.0:5443")));
        Assert.False(Valid(true));
    }

    [Fact]
    public async Task A_silo_with_authentication_off_lets_anonymous_callers_in_and_warns()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var silo = await SiloProcess.StartAsync(database.ConnectionString, new Dictionary<string, string> { ["Auth:Disabled"] = "true" });
        using var anonymous = silo.CreateClient(authenticated: false);

        using (var graphql = await anonymous.PostAsync("/graphql", new StringContent("""{"query":"{ __typename }"}""", Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, graphql.StatusCode);
        using (var admin = await anonymous.GetAsync("/privacy/requests"))
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains(silo.OutputLines, line => line.Contains("AUTHENTICATION IS OFF (Auth:Disabled=true)", StringComparison.Ordinal));
    }
}
