namespace CxActors.Api.Data;

/// <summary>One channel's row of <c>resolutionStats</c>: its contacts and how each fared under the repeat rules.</summary>
public sealed record ResolutionStats(Channel Channel, int Contacts, int Repeats, int ChannelSwitches, int Resolved, int Repeated, int Open)
{
    /// <summary>First-contact resolution: resolved / (resolved + repeated); null when both are zero (open contacts are left out).</summary>
    public double? Fcr => Resolved + Repeated == 0 ? null : (double)Resolved / (Resolved + Repeated);
}
