using CxActors.Database;
using Microsoft.Extensions.Logging;

namespace CxActors;

/// <summary>
/// Applies the schema as the silo's first start-up step, before membership or storage touch their tables, waiting for
/// MySQL if it is not there yet. The HTTP side listens meanwhile: live answers, ready says 503 until this is done.
/// </summary>
public sealed class SchemaStartup(CxDataSources dataSources, SchemaStatus status, ILogger<SchemaStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaStartup), ServiceLifecycleStage.First, async cancellationToken =>
        {
            await SchemaMigrator.ApplyWithRetryAsync(dataSources.OrleansConnectionString, logger, cancellationToken);
            status.MarkApplied();
        });
}
