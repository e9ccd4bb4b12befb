using System.Text;
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
/// GraphQL over Server-Sent Events, the graphql-sse protocol's distinct-connections mode: a POST (or GET) to /graphql
/// with <c>Accept: text/event-stream</c> answers a <c>text/event-stream</c> of <c>next</c> events (each an execution
/// result) ended by one <c>complete</c> event. A query gives one next; a subscription one per event until the client
/// goes away. A subscriber that lets <see cref="LiveOptions.SubscriberBufferMessages"/> events pile up gets a last
/// next with a LIVE_SUBSCRIBER_TOO_SLOW error, then complete, and the response ends; so does a stream whose credential
/// ends (LIVE_CREDENTIAL_EXPIRED, LIVE_CREDENTIAL_REVOKED: see <see cref="LiveCredentialWatch"/>). A stream silent for
/// <see cref="LiveOptions.KeepAlive"/> gets a <see cref="KeepAlive"/> comment, so that proxies do not cut it as idle.
/// </summary>
public static class GraphQLServerSentEvents
{
    public const string MediaType = "text/event-stream";

    /// <summary>Written after <see cref="LiveOptions.KeepAlive"/> without a message: an SSE comment, which clients ignore.</summary>
    public const string KeepAlive = ": keep-alive\n\n";

    public static async Task RunAsync(HttpContext http, GraphQLRequest request)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<LiveOptions>>().Value;
        var serializer = http.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        var outgoing = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(options.SubscriberBufferMessages) { SingleReader = true });
        var metrics = http.RequestServices.GetRequiredService<CxMetrics>();
        // Why the silo ends the stream (the first reason wins): its last next carries it as an error.
        ExecutionError? ending = null;
        void End(ExecutionError error, Action count)
        {
            if (Interlocked.CompareExchange(ref ending, error, null) is null)
                count();
            outgoing.Writer.TryComplete();
        }
        var session = new LiveSession(1, reason =>
            End(new ExecutionError(reason) { Code = ErrorCodes.LiveSubscriberTooSlow }, metrics.LiveSubscriberTooSlow));
        var result = await LiveExecution.ExecuteAsync(http, request, http.User, session, http.RequestAborted);

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = MediaType + "; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        // Reverse proxies (nginx) would otherwise buffer the stream.
        http.Response.Headers["X-Accel-Buffering"] = "no";

        IDisposable? subscription = null;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        var credentialWatch = Task.CompletedTask;
        if (result.Streams is { Count: > 0 } streams)
        {
            subscription = streams.Values.First().Subscribe(new Observer(outgoing, serializer, session, options.SubscriberBufferMessages));
            // The headers tell the client its stream is open: from then on nothing committed may miss it.
            if (!await http.RequestServices.GetRequiredService<ContactFeedHub>().WaitAnnouncedAsync(http.RequestAborted))
            {
                subscription.Dispose();
                return;
            }
            credentialWatch = LiveCredentialWatch.WatchAsync(http.User, http.RequestServices.GetRequiredService<ApiKeyCache>(), options.CredentialRecheck,
                http.RequestServices.GetRequiredService<TimeProvider>(),
                e => End(new ExecutionError(e.Message) { Code = e.Code }, () => metrics.LiveCredentialEnded(e.MetricReason)), watching.Token);
        }
        else
        {
            outgoing.Writer.TryWrite(Event("next", serializer.Serialize(result)));
            outgoing.Writer.TryComplete();
        }
        try
        {
            await http.Response.Body.FlushAsync(http.RequestAborted);
            using var silence = new SilenceTimer(options.KeepAlive, http.RequestAborted);
            while (true)
            {
                var waiting = await silence.NextOrSilenceAsync(outgoing.Reader);
                if (waiting is false)
                    break;
                if (waiting is null)
                {
                    // Proxies and load balancers cut connections idle for a while (nginx: 60 s); a comment is no event.
                    await http.Response.WriteAsync(KeepAlive, Encoding.UTF8, http.RequestAborted);
                    await http.Response.Body.FlushAsync(http.RequestAborted);
                    continue;
                }
                while (Volatile.Read(ref ending) is null && outgoing.Reader.TryRead(out var message))
                    await http.Response.WriteAsync(message, Encoding.UTF8, http.RequestAborted);
                if (Volatile.Read(ref ending) is not null)
                    break;
                await http.Response.Body.FlushAsync(http.RequestAborted);
            }
            subscription?.Dispose();
            subscription = null;
            if (Volatile.Read(ref ending) is { } error)
            {
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CxActors.Api.Live")
                    .LogInformation("A live SSE subscriber was disconnected: {Reason}", error.Code);
                await http.Response.WriteAsync(Event("next", serializer.Serialize(new ExecutionResult(error))), Encoding.UTF8, http.RequestAborted);
            }
            await http.Response.WriteAsync(Event("complete", null), Encoding.UTF8, http.RequestAborted);
            await http.Response.Body.FlushAsync(http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            subscription?.Dispose();
            await watching.CancelAsync();
            await credentialWatch;
        }
    }

    /// <summary>
    /// The wait for a stream's next message with a deadline of one period of silence. One source and timer per stream,
    /// re-armed for each wait, rather than one per wait: a busy feed writes an event per contact to every subscriber.
    /// </summary>
    private sealed class SilenceTimer(TimeSpan period, CancellationToken aborted) : IDisposable
    {
        private CancellationTokenSource _deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);

        /// <summary>True when a message waits, false when the stream is over, null after a period without either.</summary>
        public async Task<bool?> NextOrSilenceAsync(ChannelReader<string> reader)
        {
            if (!_deadline.TryReset())
            {
                // The last wait ended in silence: a cancelled source cannot be re-armed.
                _deadline.Dispose();
                _deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            }
            _deadline.CancelAfter(period);
            try
            {
                return await reader.WaitToReadAsync(_deadline.Token);
            }
            catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
            {
                return null;
            }
        }

        public void Dispose() => _deadline.Dispose();
    }

    public static bool IsRequested(HttpRequest request) =>
        request.Headers.Accept.ToString().Contains(MediaType, StringComparison.OrdinalIgnoreCase);

    private static string Event(string name, string? data) =>
        data is null ? $"event: {name}\ndata: \n\n" : $"event: {name}\ndata: {data}\n\n";

    private sealed class Observer(System.Threading.Channels.Channel<string> outgoing, IGraphQLTextSerializer serializer, LiveSession session, int buffer) : IObserver<ExecutionResult>
    {
        public void OnNext(ExecutionResult value)
        {
            if (!outgoing.Writer.TryWrite(Event("next", serializer.Serialize(value))))
                session.TooSlow($"Subscriber too slow: more than {buffer} events waiting");
        }

        public void OnError(Exception error)
        {
            outgoing.Writer.TryWrite(Event("next", serializer.Serialize(
                new ExecutionResult(new ExecutionError("The subscription failed.") { Code = ErrorCodes.InternalServerError }))));
            outgoing.Writer.TryComplete();
        }

        public void OnCompleted() => outgoing.Writer.TryComplete();
    }
}
