using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using CxActors.Access;

namespace CxActors.TestSupport;

/// <summary>
/// A real silo process (the same binary `./cx up` runs) on free ports, for tests that need HTTP, several silos in one
/// cluster, or a kill -9, and for the benchmark. Its last output lines are kept for failure messages. Every start
/// provisions an API key with every scope in the silo's database (<see cref="ApiKey"/>), which <see cref="Http"/> sends.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private SiloProcess(Process process, SiloPorts ports, string apiKey)
    {
        _process = process;
        Ports = ports;
        ApiKey = apiKey;
        Http = CreateClient();
    }

    /// <summary>The all-scope key provisioned for this silo (<c>Authorization: Bearer</c> on <see cref="Http"/>).</summary>
    public string ApiKey { get; }

    /// <summary>A new client of this silo: with <see cref="ApiKey"/> unless <paramref name="authenticated"/> is false.</summary>
    public HttpClient CreateClient(bool authenticated = true, TimeSpan? timeout = null)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Ports.Http}"), Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        if (authenticated)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return http;
    }

    /// <summary>
    /// Stores a key with <paramref name="scopes"/> (all unless given) in the database of <paramref name="connectionString"/>
    /// (schema applied first) — <paramref name="key"/> when given, else a new one — and returns it.
    /// </summary>
    public static Task<string> ProvisionKeyAsync(string connectionString, IReadOnlyList<string>? scopes = null, string? key = null, string? name = null) =>
        ApiKeyStore.ProvisionAsync(connectionString, name ?? "test-" + Guid.NewGuid().ToString("N")[..12], scopes ?? Scopes.All, key);

    /// <summary>The silo's ports; start a replacement on the same ones to restart "the same machine".</summary>
    public SiloPorts Ports { get; }
    public HttpClient Http { get; }
    public bool HasExited => _process.HasExited;
    public int Pid => _process.Id;
    public string Url => Http.BaseAddress!.ToString().TrimEnd('/');
    public string Output { get { lock (_output) return string.Join('\n', _output.TakeLast(200)); } }
    /// <summary>Every line of standard output and error still kept (the last 1,000 to 2,000).</summary>
    public IReadOnlyList<string> OutputLines { get { lock (_output) return [.. _output]; } }

    /// <summary>
    /// Starts a silo on <paramref name="connectionString"/> and waits until /health answers 200. On ports of its own
    /// choosing, a start that loses a port to another process is tried again on new ports.
    /// </summary>
    /// <param name="apiKey">a key to provision instead of a new one (the bench's own)</param>
    /// <param name="keyStored">the <paramref name="apiKey"/> is already in the database: do not touch it before the silo does</param>
    public static async Task<SiloProcess> StartAsync(string connectionString, IDictionary<string, string>? settings = null, SiloPorts? ports = null,
        string? apiKey = null, bool keyStored = false)
    {
        var key = keyStored && apiKey is not null ? apiKey : await ProvisionKeyAsync(connectionString, key: apiKey);
        for (var attempt = 1; ; attempt++)
        {
            var silo = Launch(connectionString, settings, ports ?? new SiloPorts(FreePort(), FreePort(), FreePort()), key);
            try
            {
                await silo.WaitHealthyAsync(TimeSpan.FromSeconds(90));
                return silo;
            }
            catch (InvalidOperationException) when (ports is null && attempt < 3 && silo.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await silo.DisposeAsync();
            }
            catch
            {
                await silo.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// Starts a silo and waits only until it listens (/health/live answers 200), whatever MySQL does. Its key is stored
    /// through <paramref name="keyDatabase"/> (the same database reached another way) when the silo's own way is down.
    /// </summary>
    public static async Task<SiloProcess> StartListeningAsync(string connectionString, IDictionary<string, string>? settings = null,
        string? keyDatabase = null)
    {
        var key = await ProvisionKeyAsync(keyDatabase ?? connectionString);
        var silo = Launch(connectionString, settings, new SiloPorts(FreePort(), FreePort(), FreePort()), key);
        try
        {
            await silo.WaitForAsync("/health/live", TimeSpan.FromSeconds(90));
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    private static SiloProcess Launch(string connectionString, IDictionary<string, string>? settings, SiloPorts ports, string apiKey)
    {
        var dll = SiloBinary();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Cx"] = connectionString;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ports.Http}";
        start.Environment["Orleans__SiloPort"] = ports.Silo.ToString();
        start.Environment["Orleans__GatewayPort"] = ports.Gateway.ToString();
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Privacy__HashKey"] = TestHashKey; // a test's own settings may replace it
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            start.Environment[key.Replace(":", "__")] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var silo = new SiloProcess(process, ports, apiKey);
        process.OutputDataReceived += (_, e) => silo.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    public Task WaitHealthyAsync(TimeSpan timeout) => WaitForAsync("/health", timeout);

    /// <summary>Waits until <paramref name="path"/> answers 2xx.</summary>
    public async Task WaitForAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // Without a timeout this also waits for the redirected output to be delivered: its last line says why.
                _process.WaitForExit();
                throw new InvalidOperationException($"silo exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var response = await Http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"silo not healthy after {timeout}:\n{Output}");
    }

    /// <summary>kill -9: no shutdown hooks, no drain, no snapshot.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>
    /// SIGTERM and wait: the host drains and deactivates like a normal stop. True when the process ended by itself
    /// within <paramref name="grace"/> (60 s unless given); else it is killed and the answer is false.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan? grace = null)
    {
        if (_process.HasExited)
            return true;
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()]))
            await kill!.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            KillHard();
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            KillHard();
        Http.Dispose();
        _process.Dispose();
        await Task.CompletedTask;
    }

    private void Capture(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 2000)
                _output.RemoveRange(0, 1000);
        }
    }

    /// <summary>
    /// A port no other test of this process has been given and nothing listens on. Ports come from below the
    /// kernel's ephemeral range: a port taken from that range (bind to 0) is free only until the silo binds it, and
    /// meanwhile any outgoing connection of a parallel test (MySQL pools open many) may be given it as its local
    /// port. Orleans' TestCluster (also started by these tests) reserves gateways in 12000-21999 and silos in
    /// 22300-29999 and binds them only later, so this range lies below both: 6000-11999.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = FirstTestPort + (int)((uint)Interlocked.Increment(ref _portCursor) % TestPortCount);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // someone listens there: the next one
            }
        }
    }

    /// <summary>The keyed-hash secret (Privacy:HashKey) test silos get unless their settings give another.</summary>
    public const string TestHashKey = "test-only-privacy-hash-key-0123456789abcdef";

    private const int FirstTestPort = 6000;
    private const int TestPortCount = 6000;

    // Each test process starts at its own offset, so parallel test runs on one machine rarely probe the same ports.
    private static int _portCursor = Environment.ProcessId * 97 % TestPortCount;

    /// <summary>The silo built in the same configuration as these tests (./cx test builds the solution first).</summary>
    public static string SiloBinary()
    {
        var configuration = Environment.GetEnvironmentVariable("CX_CONFIGURATION") is { Length: > 0 } configured ? configured
            : AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var path = Path.Combine(RepositoryRoot(), "silo", "bin", configuration, "net10.0", "CxActors.Silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the silo first ({path})");
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CxActors.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("CxActors.sln not found above " + AppContext.BaseDirectory);
    }
}

public sealed record SiloPorts(int Http, int Silo, int Gateway);
