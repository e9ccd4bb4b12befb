namespace CxActors;

/// <summary>What a RecordAsync call did: interactions newly recorded, and re-deliveries that changed nothing.</summary>
[GenerateSerializer, Immutable, Alias("cx.RecordResult")]
public sealed record RecordResult([property: Id(0)] int Accepted, [property: Id(1)] int Duplicates);
