using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace CxActors.Tests.Infrastructure;

/// <summary>
/// The node graphql-ws client of tests/CxActors.Tests/LiveClient (client.mjs, packages pinned in its lock and installed
/// with npm ci on first use), one process per connection; its JSON lines are read back as they come.
/// </summary>
public sealed class LiveClient : IAsyncDisposable
{
    private static readonly SemaphoreSlim Install = new(1, 1);
    private static bool _installed;

    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<JsonObject> _lines = System.Threading.Channels.Channel.CreateUnbounded<JsonObject>();
    private readonly List<JsonObject> _seen = [];

    private LiveClient(Process process)
    {
        _process = process;
        _ = Task.Run(async () =>
        {
            // A line that is not JSON is kept as text (a failing test shows it) rather than ending the reading, which
            // would leave the client blocked on a full pipe and the test waiting for lines that never come.
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                JsonObject? o;
                try
                {
                    o = JsonNode.Parse(line) as JsonObject;
                }
                catch (System.Text.Json.JsonException)
                {
                    o = new JsonObject { ["unparsed"] = line.Length <= 200 ? line : line[..200] + $"… ({line.Length} characters)" };
                }
                if (o is not null)
                    _lines.Writer.TryWrite(o);
            }
            _lines.Writer.TryComplete();
        });
    }

    public static string Directory => Path.Combine(SiloProcess.RepositoryRoot(), "tests", "CxActors.Tests", "LiveClient");

    public static async Task<LiveClient> StartAsync(object config)
    {
        await Install.WaitAsync();
        try
        {
            if (!_installed && !File.Exists(Path.Combine(Directory, "node_modules", "graphql-ws", "package.json")))
                await RunAsync("npm", "ci --no-audit --no-fund --ignore-scripts");
            _installed = true;
        }
        finally
        {
            Install.Release();
        }
        var start = new ProcessStartInfo("node") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true };
        start.ArgumentList.Add("client.mjs");
        start.ArgumentList.Add(JsonSerializer.Serialize(config));
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        return new LiveClient(process);
    }

    private static async Task RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { WorkingDirectory = Directory })!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>Every line so far and the next ones until one matches; fails after <paramref name="timeout"/>.</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        var found = _seen.FirstOrDefault(match);
        if (found is not null)
            return found;
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(deadline.Token);
                _seen.Add(line);
                if (match(line))
                    return line;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new Xunit.Sdk.XunitException($"No matching line from the live client; saw: {string.Join('\n', _seen.Select(s => s.ToJsonString()))}");
        }
    }

    /// <summary>The lines seen so far (after waiting <paramref name="settle"/> for more).</summary>
    public async Task<List<JsonObject>> SeenAsync(TimeSpan settle)
    {
        using var deadline = new CancellationTokenSource(settle);
        try
        {
            while (true)
                _seen.Add(await _lines.Reader.ReadAsync(deadline.Token));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            return [.. _seen];
        }
    }

    /// <summary>A line to the client's stdin ("resume", "close").</summary>
    public async Task SendAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The payloads of subscription <paramref name="id"/>'s next messages so far.</summary>
    public List<JsonNode> Nexts(string id) =>
        [.. _seen.Where(l => (string?)l["sub"] == id && l["next"] is not null).Select(l => l["next"]!)];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
