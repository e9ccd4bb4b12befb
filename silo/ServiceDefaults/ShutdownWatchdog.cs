using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.ServiceDefaults;

/// <summary>
/// Ends the process if a stop outlives the host's shutdown timeout by more than a grace period. Orleans keeps trying to
/// record its departure in the membership table while MySQL hangs, and the host waits for it; a stop must still end
/// in bounded time. Nothing is lost by it: an interaction is acknowledged only after its log transaction committed.
/// </summary>
public sealed class ShutdownWatchdog(IHostApplicationLifetime lifetime, IOptions<HostOptions> host, ILogger<ShutdownWatchdog> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private Timer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() =>
            _timer = new Timer(_ => ExitNow(), null, host.Value.ShutdownTimeout + Grace, Timeout.InfiniteTimeSpan));
        return Task.CompletedTask;
    }

    private void ExitNow()
    {
        logger.LogWarning("Stop took longer than {Timeout}; ending the process now (every acknowledged interaction is committed)",
            host.Value.ShutdownTimeout + Grace);
        // Not Environment.Exit: its exit handlers wait for the very host that is stuck.
        Process.GetCurrentProcess().Kill();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _timer?.Dispose();
}
