using CxActors.Api.Schema;

namespace CxActors.Api.Data;

/// <summary>What the resolvers need, in one singleton looked up once per field from the request's services.</summary>
public sealed class CxGraphServices(IGrainFactory grains, ReportingStore reporting, TimeProvider clock, Cursors cursors)
{
    public IGrainFactory Grains { get; } = grains;
    public ReportingStore Reporting { get; } = reporting;
    public TimeProvider Clock { get; } = clock;
    public Cursors Cursors { get; } = cursors;

    public DateTime UtcNow => Clock.GetUtcNow().UtcDateTime;
}
