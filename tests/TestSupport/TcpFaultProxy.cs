using System.Net;
using System.Net.Sockets;

namespace CxActors.TestSupport;

/// <summary>
/// A loopback TCP relay in front of the real MySQL server, so that a test can take the database away from a
/// silo (refuse and cut every connection), or hang it (connections accepted and kept, no byte answered: what a
/// SIGSTOPped server looks like from the network), and give it back, without stopping the server other tests share.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private volatile bool _down;
    private volatile TaskCompletionSource _resumed = Completed();

    public TcpFaultProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Cuts every open connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _down = true;
        lock (_open)
        {
            foreach (var client in _open)
                client.Dispose();
            _open.Clear();
        }
    }

    public void Restore()
    {
        _down = false;
        _resumed.TrySetResult();
    }

    /// <summary>Keeps every connection open but relays nothing, and holds new connections unanswered, until <see cref="Restore"/>.</summary>
    public void Hang()
    {
        if (_resumed.Task.IsCompleted)
            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    /// <summary>Copies one direction, waiting before each write while the proxy hangs.</summary>
    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stop.Token);
            if (read == 0)
                return;
            await _resumed.Task.WaitAsync(_stop.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            if (_down)
            {
                inbound.Dispose();
                continue;
            }
            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        try
        {
            lock (_open)
                _open.Add(inbound);
            await _resumed.Task.WaitAsync(_stop.Token);
            await outbound.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            lock (_open)
                _open.Add(outbound);
            var a = PumpAsync(inbound.GetStream(), outbound.GetStream());
            var b = PumpAsync(outbound.GetStream(), inbound.GetStream());
            await Task.WhenAny(a, b);
        }
        catch (Exception)
        {
            // a cut connection ends here
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _resumed.TrySetResult();
        _stop.Cancel();
        _listener.Stop();
        Cut();
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
