using System.Diagnostics;

namespace CxActors.Database;

/// <summary>The service's own activity source, <c>CxActors</c> (spans: <c>cx.log.flush</c>, and the grain calls of sampled requests).</summary>
public static class CxActivities
{
    public const string SourceName = "CxActors";

    public static readonly ActivitySource Source = new(SourceName);
}
