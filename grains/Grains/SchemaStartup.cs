using CxActors.Database;
using CxActors.Ingest;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CxActors;

/// <summary>
/// Applies the schema as the silo's first start-up step, before membership or storage touch their tables, waiting for
/// MySQL if it is not there yet, then rewrites phone links stored before E.164. The HTTP side listens meanwhile: live answers, ready says 503 until this is done.
/// </summary>
public sealed class SchemaStartup(CxDataSources dataSources, SchemaStatus status, IOptions<PhoneOptions> phones, TimeProvider clock,
    ILogger<SchemaStartup> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SchemaStartup), ServiceLifecycleStage.First, async cancellationToken =>
        {
            await SchemaMigrator.ApplyWithRetryAsync(dataSources.OrleansConnectionString, logger, cancellationToken);
            // Links stored before 080 in digits only become E.164 before anything reads them (see PhoneLinkRenormalizer).
            await PhoneLinkRenormalizer.RunAsync(dataSources.Reads, phones.Value.DefaultRegion, clock, logger, cancellationToken);
            status.MarkApplied();
        });
}
