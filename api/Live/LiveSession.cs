using System.Security.Claims;

namespace CxActors.Api.Live;

/// <summary>
/// One live connection (a WebSocket, or one SSE request): who it is, how many subscriptions it holds, and how it is
/// ended when its subscriber cannot keep up. Execution finds it in the user context under <see cref="Key"/>.
/// </summary>
public sealed class LiveSession(int maxSubscriptions, Action<string> tooSlow)
{
    public const string Key = "cx.live";

    private int _subscriptions;

    public int MaxSubscriptions { get; } = maxSubscriptions;

    public int Subscriptions => Volatile.Read(ref _subscriptions);

    public ClaimsPrincipal? User { get; set; }

    internal void Opened() => Interlocked.Increment(ref _subscriptions);

    internal void Closed() => Interlocked.Decrement(ref _subscriptions);

    /// <summary>Ends the connection with <paramref name="reason"/>: its buffer of waiting messages overflowed.</summary>
    public void TooSlow(string reason) => tooSlow(reason);

    public static LiveSession? Of(IDictionary<string, object?> userContext) =>
        userContext.TryGetValue(Key, out var session) ? session as LiveSession : null;
}
