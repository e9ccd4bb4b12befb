using System.ComponentModel.DataAnnotations;

namespace CxActors.Access;

public sealed class RateLimit
{
    /// <summary>Requests a principal may make per second on the endpoints of one scope; 0 turns the limit off.</summary>
    [Range(0, 10_000_000)]
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>Requests that may come at once after a quiet spell (the token bucket's size).</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; set; } = 200;
}
