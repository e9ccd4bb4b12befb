using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using CxActors.Access;
using CxActors.Api.Http;
using CxActors.Api.Schema;
using CxActors.Database;
using GraphQL.Transport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors.Api.Live;

/// <summary>
/// One WebSocket speaking graphql-transport-ws (the graphql-ws library's protocol): connection_init → connection_ack
/// (or close 4401/4403; 4401 again, with its reason, when the credential later expires or is revoked), ping/pong, subscribe → next…/error/complete, complete from the client. Messages to the
/// client go through one bounded queue with one sender; when it overflows the subscriber is too slow and the socket
/// is closed with 1008 and a reason. Queries and mutations over the socket answer one next and a complete.
/// </summary>
public sealed class GraphQLWebSocketConnection
{
    public const string SubProtocol = "graphql-transport-ws";

    /// <summary>Closed for a subscriber that let <see cref="LiveOptions.SubscriberBufferMessages"/> messages pile up.</summary>
    public const WebSocketCloseStatus TooSlowStatus = WebSocketCloseStatus.PolicyViolation;

    /// <summary>
    /// How long a close frame may wait behind what the client has not read yet (a too-slow subscriber's backlog) before
    /// the socket is cut off: a client that resumes reading within it learns why it was disconnected.
    /// </summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(30);

    private readonly HttpContext _http;
    private readonly WebSocket _socket;
    private readonly LiveOptions _options;
    private readonly GraphQLApiOptions _api;
    private readonly IGraphQLTextSerializer _serializer;
    private readonly ILogger _logger;
    private readonly System.Threading.Channels.Channel<string> _outgoing;
    private readonly Dictionary<string, IDisposable?> _operations = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly LiveSession _session;
    private (WebSocketCloseStatus Status, string Reason)? _close;
    private bool _initialised;
    private bool _acknowledged;
    private Task _credentialWatch = Task.CompletedTask;

    public GraphQLWebSocketConnection(HttpContext http, WebSocket socket)
    {
        _http = http;
        _socket = socket;
        _options = http.RequestServices.GetRequiredService<IOptions<LiveOptions>>().Value;
        _api = http.RequestServices.GetRequiredService<IOptions<GraphQLApiOptions>>().Value;
        _serializer = http.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        _logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CxActors.Api.Live");
        _outgoing = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(_options.SubscriberBufferMessages) { SingleReader = true });
        _session = new LiveSession(_options.MaxSubscriptionsPerConnection, reason => Close(TooSlowStatus, reason));
    }

    public async Task RunAsync()
    {
        var sender = SendLoopAsync();
        var initTimeout = Task.Delay(_options.ConnectionInitTimeout, _closing.Token).ContinueWith(t =>
        {
            if (!t.IsCanceled && !Volatile.Read(ref _initialised))
                Close((WebSocketCloseStatus)4408, "Connection initialisation timeout");
        }, TaskScheduler.Default);
        try
        {
            await ReceiveLoopAsync();
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            DisposeOperations();
            _outgoing.Writer.TryComplete();
            await _closing.CancelAsync();
            await sender;
            await initTimeout;
            await _credentialWatch;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult received;
            do
            {
                // No token: cancelling a receive aborts the socket, and a close must reach the client with its reason.
                received = await _socket.ReceiveAsync(buffer.GetMemory(4096), CancellationToken.None);
                buffer.Advance(received.Count);
                if (buffer.WrittenCount > _api.MaxRequestBytes)
                {
                    Close(WebSocketCloseStatus.MessageTooBig, $"A message is over the limit of {_api.MaxRequestBytes} bytes.");
                    return;
                }
            }
            while (!received.EndOfMessage);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived && _close is null)
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }
            // After a close of ours, only the client's close frame matters.
            if (_close is null)
                await HandleAsync(buffer.WrittenMemory);
        }
    }

    private async Task HandleAsync(ReadOnlyMemory<byte> message)
    {
        string? type, id = null;
        JsonElement payload = default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            Close((WebSocketCloseStatus)4400, "Invalid message received: not JSON");
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
            {
                Close((WebSocketCloseStatus)4400, "Invalid message received: no type");
                return;
            }
            type = typeElement.GetString();
            if (root.TryGetProperty("id", out var idElement))
                id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            if (root.TryGetProperty("payload", out var payloadElement))
                payload = payloadElement.Clone();
        }

        switch (type)
        {
            case "connection_init":
                await InitialiseAsync(payload);
                break;
            case "ping":
                Send("{\"type\":\"pong\"}");
                break;
            case "pong":
                break;
            case "subscribe":
                if (!_acknowledged)
                {
                    Close((WebSocketCloseStatus)4401, "Unauthorized");
                    return;
                }
                if (string.IsNullOrEmpty(id) || payload.ValueKind != JsonValueKind.Object)
                {
                    Close((WebSocketCloseStatus)4400, "Invalid message received: subscribe needs an id and a payload");
                    return;
                }
                await SubscribeAsync(id, payload);
                break;
            case "complete":
                if (id is not null)
                    Complete(id, notify: false);
                break;
            default:
                Close((WebSocketCloseStatus)4400, $"Invalid message received: unknown type '{Truncated(type)}'");
                break;
        }
    }

    private async Task InitialiseAsync(JsonElement payload)
    {
        if (_initialised)
        {
            Close((WebSocketCloseStatus)4429, "Too many initialisation requests");
            return;
        }
        Volatile.Write(ref _initialised, true);
        var (outcome, user) = await LiveAuthorization.AuthorizeAsync(_http, Credentials(payload));
        switch (outcome)
        {
            case LiveAuthorization.Outcome.Allowed:
                _session.User = user;
                _acknowledged = true;
                _credentialWatch = LiveCredentialWatch.WatchAsync(user, _http.RequestServices.GetRequiredService<ApiKeyCache>(),
                    _options.CredentialRecheck, _http.RequestServices.GetRequiredService<TimeProvider>(), EndForCredential, _closing.Token);
                Send("{\"type\":\"connection_ack\"}");
                break;
            case LiveAuthorization.Outcome.Forbidden:
                Close((WebSocketCloseStatus)4403, "Forbidden: the credential lacks the read scope");
                break;
            default:
                Close((WebSocketCloseStatus)4401, "Unauthorized");
                break;
        }
    }

    private void EndForCredential(LiveCredentialWatch.Ending ending)
    {
        _http.RequestServices.GetRequiredService<CxMetrics>().LiveCredentialEnded(ending.MetricReason);
        _logger.LogInformation("A live WebSocket connection was closed: {Reason}", ending.CloseReason);
        Close((WebSocketCloseStatus)4401, ending.CloseReason);
    }

    /// <summary><c>{"Authorization": "Bearer …"}</c> and/or <c>{"X-Api-Key": "cxk_…"}</c> from the init payload (names in any case).</summary>
    private static Dictionary<string, string>? Credentials(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            return null;
        Dictionary<string, string>? credentials = null;
        foreach (var property in payload.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
                continue;
            if (property.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
                (credentials ??= [])["Authorization"] = property.Value.GetString()!;
            else if (property.Name.Equals("X-Api-Key", StringComparison.OrdinalIgnoreCase))
                (credentials ??= [])["X-Api-Key"] = property.Value.GetString()!;
        }
        return credentials;
    }

    private async Task SubscribeAsync(string id, JsonElement payload)
    {
        lock (_gate)
        {
            if (!_operations.TryAdd(id, null))
            {
                Close((WebSocketCloseStatus)4409, $"Subscriber for {Truncated(id)} already exists");
                return;
            }
        }
        GraphQLRequest? request;
        try
        {
            request = _serializer.Deserialize<GraphQLRequest>(payload.GetRawText());
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            request = null;
        }
        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            SendErrors(id, new ExecutionResult(new ExecutionError("The subscribe payload has no query.") { Code = ErrorCodes.InvalidRequest }));
            Forget(id);
            return;
        }

        var result = await LiveExecution.ExecuteAsync(_http, request, _session.User ?? _http.User, _session, _closing.Token);
        if (result.Streams is { Count: > 0 } streams)
        {
            var stream = streams.Values.First();
            var subscription = stream.Subscribe(new Observer(this, id));
            // The protocol acknowledges no subscribe, but messages are handled in order: a ping sent after this subscribe
            // is answered once every publisher knows this silo wants batches, so nothing committed after the pong misses it.
            await _http.RequestServices.GetRequiredService<ContactFeedHub>().WaitAnnouncedAsync(_closing.Token);
            lock (_gate)
            {
                if (_operations.ContainsKey(id))
                {
                    _operations[id] = subscription;
                    return;
                }
            }
            // Completed by the client (or closed) while it was being set up.
            subscription.Dispose();
            return;
        }
        if (!result.Executed || result.Data is null)
        {
            SendErrors(id, result);
            Forget(id);
            return;
        }
        Send(Message("next", id, _serializer.Serialize(result)));
        Send(Message("complete", id, null));
        Forget(id);
    }

    /// <summary>The protocol's error message carries the errors array alone; GraphQL.NET formats it within a result.</summary>
    private void SendErrors(string id, ExecutionResult result) =>
        Send(Message("error", id, System.Text.Json.Nodes.JsonNode.Parse(_serializer.Serialize(result))?["errors"]?.ToJsonString() ?? "[]"));

    private void Forget(string id)
    {
        lock (_gate)
            _operations.Remove(id);
    }

    private void Complete(string id, bool notify)
    {
        IDisposable? subscription;
        lock (_gate)
        {
            if (!_operations.Remove(id, out subscription))
                return;
        }
        subscription?.Dispose();
        if (notify)
            Send(Message("complete", id, null));
    }

    private void DisposeOperations()
    {
        List<IDisposable?> subscriptions;
        lock (_gate)
        {
            subscriptions = [.. _operations.Values];
            _operations.Clear();
        }
        foreach (var subscription in subscriptions)
            subscription?.Dispose();
    }

    private static string Message(string type, string id, string? payload) =>
        payload is null
            ? $"{{\"type\":\"{type}\",\"id\":{JsonSerializer.Serialize(id)}}}"
            : $"{{\"type\":\"{type}\",\"id\":{JsonSerializer.Serialize(id)},\"payload\":{payload}}}";

    private void Send(string message)
    {
        if (!_outgoing.Writer.TryWrite(message) && !_closing.IsCancellationRequested)
            _session.TooSlow($"Subscriber too slow: more than {_options.SubscriberBufferMessages} messages waiting");
    }

    /// <summary>Ends the connection: subscriptions stop at once, the close frame follows whatever send is under way.</summary>
    private void Close(WebSocketCloseStatus status, string reason)
    {
        lock (_gate)
        {
            if (_close is not null)
                return;
            _close = (status, reason);
        }
        if (status == TooSlowStatus)
        {
            _http.RequestServices.GetRequiredService<CxMetrics>().LiveSubscriberTooSlow();
            _logger.LogInformation("A live WebSocket subscriber was disconnected: {Reason}", reason);
        }
        DisposeOperations();
        _outgoing.Writer.TryComplete();
        _closing.Cancel();
        // A client that never reads its close frame (or never answers it) is cut off.
        _ = Task.Delay(CloseGrace).ContinueWith(_ =>
        {
            if (_socket.State != WebSocketState.Closed)
                _socket.Abort();
        }, TaskScheduler.Default);
    }

    private async Task SendLoopAsync()
    {
        try
        {
            // Messages queued before a close are dropped; a too-slow subscriber gets its close frame next.
            while (await _outgoing.Reader.WaitToReadAsync(CancellationToken.None))
            {
                while (_close is null && _outgoing.Reader.TryRead(out var message))
                    await _socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
                if (_close is not null)
                    break;
            }
            if (_close is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var deadline = new CancellationTokenSource(CloseGrace);
                await _socket.CloseOutputAsync(close.Status, close.Reason, deadline.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Gone, or too slow even for its close frame.
            _socket.Abort();
        }
    }

    private static string Truncated(string? text) => text is null ? "" : text.Length <= 64 ? text : text[..64];

    /// <summary>Takes a subscription's results to the queue; a stream's end completes the operation.</summary>
    private sealed class Observer(GraphQLWebSocketConnection connection, string id) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value) => connection.Send(Message("next", id, connection._serializer.Serialize(value)));

        public void OnError(Exception error) =>
            connection.SendErrors(id, new ExecutionResult(new ExecutionError("The subscription failed.") { Code = ErrorCodes.InternalServerError }));

        public void OnCompleted() => connection.Complete(id, notify: true);
    }
}
