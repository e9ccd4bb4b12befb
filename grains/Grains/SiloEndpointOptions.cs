using System.ComponentModel.DataAnnotations;

namespace CxActors;

/// <summary>The <c>Orleans</c> section: which cluster this silo joins and where other silos and clients reach it.</summary>
public sealed class SiloEndpointOptions
{
    public const string Section = "Orleans";

    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string ClusterId { get; set; } = "cx";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>A literal IP, or "auto" for this host's first non-loopback IPv4 address (containers).</summary>
    [Required]
    public string AdvertisedIP { get; set; } = "127.0.0.1";

    public bool ListenOnAnyHostAddress { get; set; }
}
