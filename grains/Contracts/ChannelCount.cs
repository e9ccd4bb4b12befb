namespace CxActors;

/// <summary>All-time interactions of a customer on one channel.</summary>
[GenerateSerializer, Immutable, Alias("cx.ChannelCount")]
public sealed record ChannelCount([property: Id(0)] Channel Channel, [property: Id(1)] int Count);
