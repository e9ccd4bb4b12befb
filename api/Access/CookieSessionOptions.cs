using System.ComponentModel.DataAnnotations;

namespace CxActors.Access;

public sealed class CookieSessionOptions
{
    /// <summary>A browser session's life, renewed while it is used.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Where the Data Protection keys that encrypt session cookies are kept; silos behind one address must share it
    /// (else a session opened on one silo is unknown to another). Unset: ASP.NET Core's per-user default.
    /// </summary>
    public string? KeysPath { get; set; }
}
