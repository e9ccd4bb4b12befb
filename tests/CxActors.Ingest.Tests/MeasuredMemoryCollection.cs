namespace CxActors.Ingest.Tests;

/// <summary>
/// Tests that measure the process's live memory run alone: GC.GetTotalMemory counts every thread's objects, so a test
/// running beside them would be measured too.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredMemoryCollection
{
    public const string Name = "Measured memory";
}
