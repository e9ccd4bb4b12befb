using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace CxActors;

/// <summary>Ready only while this silo is an active member of the cluster (not joining, not shutting down).</summary>
public sealed class SiloActiveCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) == SiloStatus.Active
            ? HealthCheckResult.Healthy("silo active")
            : HealthCheckResult.Unhealthy("silo not active in the cluster"));
}
