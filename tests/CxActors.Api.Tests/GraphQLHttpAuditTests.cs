using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CxActors.Api.Tests;

/// <summary>
/// graphql-http 1.23.1's own audit (<c>auditServer</c>, every MUST, SHOULD and MAY of GraphQL over HTTP) run under node
/// against the real silo with an API key: no audit may fail or warn. The package is pinned in
/// tests/graphql-http-audit (package.json + package-lock.json); its node_modules is installed here with npm ci.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class GraphQLHttpAuditTests(ApiFixture api)
{
    private static readonly SemaphoreSlim Install = new(1, 1);

    [Fact]
    public async Task The_graphql_http_audit_finds_no_failure_and_no_warning()
    {
        var directory = Path.Combine(SiloProcess.RepositoryRoot(), "tests", "graphql-http-audit");
        await Install.WaitAsync();
        try
        {
            if (!File.Exists(Path.Combine(directory, "node_modules", "graphql-http", "package.json")))
                await RunAsync(directory, "npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], new Dictionary<string, string>());
        }
        finally
        {
            Install.Release();
        }

        var output = await RunAsync(directory, "node", ["audit.mjs"], new Dictionary<string, string>
        {
            ["CX_AUDIT_URL"] = api.Silo.Url + "/graphql",
            ["CX_AUDIT_KEY"] = api.Silo.ApiKey,
        });

        var results = JsonNode.Parse(output.Trim().Split('\n')[^1])!["results"]!.AsArray();
        // The suite of 1.23.1 has 13 MUSTs and 23 SHOULDs; fewer results would mean the audit did not run them all.
        Assert.Equal(13, results.Count(r => r!["name"]!.GetValue<string>().StartsWith("MUST ", StringComparison.Ordinal)));
        Assert.Equal(23, results.Count(r => r!["name"]!.GetValue<string>().StartsWith("SHOULD ", StringComparison.Ordinal)));
        var notOk = results
            .Where(r => r!["status"]!.GetValue<string>() != "ok")
            .Select(r => $"{r!["status"]}: {r["name"]} ({r["reason"]})")
            .ToList();
        Assert.True(notOk.Count == 0, "graphql-http audit:\n" + string.Join('\n', notOk));
    }

    private static async Task<string> RunAsync(string directory, string program, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout;
    }
}
