namespace CxActors.Api.Data;

/// <summary>What the resolvers need, in one singleton looked up once per field from the request's services.</summary>
public sealed class CxGraphServices(IGrainFactory grains, ReportingStore reporting, TimeProvider clock)
{
    public IGrainFactory Grains { get; } = grains;
    public ReportingStore Reporting { get; } = reporting;
    public TimeProvider Clock { get; } = clock;

    public DateTime UtcNow => Clock.GetUtcNow().UtcDateTime;
}
