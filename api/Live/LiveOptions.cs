using System.ComponentModel.DataAnnotations;

namespace CxActors.Api.Live;

/// <summary>
/// Limits of the live contact feed (GraphQL subscriptions over WebSockets and SSE), bound from the configuration
/// section "Live" and validated when the host starts.
/// </summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>Most subscriptions one WebSocket connection may hold at once (an SSE request is one subscription).</summary>
    [Range(1, 1_000)]
    public int MaxSubscriptionsPerConnection { get; set; } = 20;

    /// <summary>Most subscriptions this silo holds at once, over every connection and SSE request.</summary>
    [Range(1, 1_000_000)]
    public int MaxSubscriptionsPerSilo { get; set; } = 10_000;

    /// <summary>
    /// Messages a connection may have waiting to be sent; one more and the subscriber is too slow: its WebSocket is
    /// closed with code 1008 (its SSE stream ends with a LIVE_SUBSCRIBER_TOO_SLOW error), never slowing anyone else.
    /// </summary>
    [Range(1, 1_000_000)]
    public int SubscriberBufferMessages { get; set; } = 10_000;

    /// <summary>How long a WebSocket may stay open without a connection_init before it is closed with 4408.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often a live connection opened with an API key (or a browser session) checks that the key is still live; a
    /// revoked key's connection ends at the next check (WebSocket close 4401, SSE a LIVE_CREDENTIAL_REVOKED error). A JWT's
    /// connection ends when the token expires, whatever this says.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CredentialRecheck { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After this long without a message an SSE stream gets a comment line (<c>: keep-alive</c>), so that proxies and load
    /// balancers, which cut connections idle for a while (nginx: 60 s), keep it open.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);
}
