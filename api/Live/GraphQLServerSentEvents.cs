using System.Text;
using System.Threading.Channels;
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
/// next with a LIVE_SUBSCRIBER_TOO_SLOW error, then complete, and the response ends.
/// </summary>
public static class GraphQLServerSentEvents
{
    public const string MediaType = "text/event-stream";

    public static async Task RunAsync(HttpContext http, GraphQLRequest request)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<LiveOptions>>().Value;
        var serializer = http.RequestServices.GetRequiredService<IGraphQLTextSerializer>();
        var outgoing = System.Threading.Channels.Channel.CreateBounded<string>(new BoundedChannelOptions(options.SubscriberBufferMessages) { SingleReader = true });
        string? tooSlow = null;
        var session = new LiveSession(1, reason =>
        {
            if (Interlocked.CompareExchange(ref tooSlow, reason, null) is null)
                http.RequestServices.GetRequiredService<CxMetrics>().LiveSubscriberTooSlow();
            outgoing.Writer.TryComplete();
        });
        var result = await LiveExecution.ExecuteAsync(http, request, http.User, session, http.RequestAborted);

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = MediaType + "; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        // Reverse proxies (nginx) would otherwise buffer the stream.
        http.Response.Headers["X-Accel-Buffering"] = "no";

        IDisposable? subscription = null;
        if (result.Streams is { Count: > 0 } streams)
        {
            subscription = streams.Values.First().Subscribe(new Observer(outgoing, serializer, session, options.SubscriberBufferMessages));
        }
        else
        {
            outgoing.Writer.TryWrite(Event("next", serializer.Serialize(result)));
            outgoing.Writer.TryComplete();
        }
        try
        {
            await http.Response.Body.FlushAsync(http.RequestAborted);
            await foreach (var message in outgoing.Reader.ReadAllAsync(http.RequestAborted))
            {
                if (Volatile.Read(ref tooSlow) is not null)
                    break;
                await http.Response.WriteAsync(message, Encoding.UTF8, http.RequestAborted);
                if (outgoing.Reader.Count == 0)
                    await http.Response.Body.FlushAsync(http.RequestAborted);
            }
            subscription?.Dispose();
            subscription = null;
            if (Volatile.Read(ref tooSlow) is { } reason)
            {
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CxActors.Api.Live")
                    .LogInformation("A live SSE subscriber was disconnected: {Reason}", reason);
                await http.Response.WriteAsync(Event("next", serializer.Serialize(
                    new ExecutionResult(new ExecutionError(reason) { Code = ErrorCodes.LiveSubscriberTooSlow }))), Encoding.UTF8, http.RequestAborted);
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
        }
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
