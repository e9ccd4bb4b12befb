using System.Net;
using System.Net.Sockets;

namespace CxActors.Bench.Infrastructure;

/// <summary>
/// The silo under test: the same binary `./cx up` runs, on free ports and the bench database, started and stopped
/// by the bench (the approach of the tests' SiloProcess). Its last output lines are kept for error messages.
/// </summary>
public sealed class SiloRunner : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private SiloRunner(Process process, int httpPort)
    {
        _process = process;
        Url = $"http://127.0.0.1:{httpPort}";
    }

    public string Url { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Output { get { lock (_output) return string.Join('\n', _output.TakeLast(40)); } }

    public static async Task<SiloRunner> StartAsync(string root, string connectionString, HttpClient http)
    {
        var dll = Path.Combine(root, "silo", "bin", BenchOptions.Configuration, "net10.0", "CxActors.Silo.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"build the silo first: dotnet build silo/CxActors.Silo.csproj -c Release ({dll})");
        var httpPort = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ConnectionStrings__Cx"] = connectionString;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Orleans__SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture);
        start.Environment["Orleans__ClusterId"] = "cx-bench";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__CxActors"] = "Warning";

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var silo = new SiloRunner(process, httpPort);
        process.OutputDataReceived += (_, e) => silo.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Capture(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"the silo exited with {process.ExitCode}:\n{silo.Output}");
            try
            {
                using var response = await http.GetAsync($"{silo.Url}/health");
                if (response.IsSuccessStatusCode)
                    return silo;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"the silo was not healthy after 120 s:\n{silo.Output}");
    }

    /// <summary>
    /// SIGTERM, then kill -9 after <paramref name="grace"/>: a graceful stop deactivates every grain, and each
    /// deactivation with unsnapshotted changes writes its snapshot, which with 100,000 grains takes minutes.
    /// Nothing is lost by the hard stop: the log holds every acknowledged interaction and the database is dropped
    /// by the next run anyway. Returns the seconds the graceful stop took, or null when it was cut short.
    /// </summary>
    public async Task<double?> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
            return 0;
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill!.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return clock.Elapsed.TotalSeconds;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Capture(string? line)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.Add(line);
            if (_output.Count > 400)
                _output.RemoveRange(0, 200);
        }
    }

    /// <summary>
    /// A port nothing listens on, from below the kernel's ephemeral range (32768 up on Linux): a port from that range
    /// is free only until the silo binds it, and meanwhile any outgoing connection may be given it. 6000-11999 also
    /// stays below the ports Orleans' TestCluster reserves (12000 up), like the tests' silos.
    /// </summary>
    public static int FreePort()
    {
        while (true)
        {
            var port = 6000 + (int)((uint)Interlocked.Increment(ref _portCursor) % 6000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // taken: the next one
            }
        }
    }

    private static int _portCursor = Environment.ProcessId * 97 % 6000;
}
