namespace CxActors;

/// <summary>
/// The silos that want the live contact feed's batches now (those holding at least one subscription), as the
/// <see cref="IContactFeedDirectory"/> knew them at <see cref="Version"/>. A publisher keeps the newest list it was
/// given: a higher <see cref="Version"/> of the same <see cref="Epoch"/> (one directory activation), or any list of
/// another epoch (the directory was lost and rebuilt).
/// </summary>
[GenerateSerializer, Immutable, Alias("cx.ContactFeedListeners")]
public sealed record ContactFeedListeners
{
    public static readonly ContactFeedListeners None = new() { Epoch = Guid.Empty, Version = 0, Listeners = [] };

    [Id(0)] public required Guid Epoch { get; init; }
    [Id(1)] public required long Version { get; init; }
    [Id(2)] public required IContactFeedListener[] Listeners { get; init; }

    public bool IsNewerThan(ContactFeedListeners other) => Epoch != other.Epoch || Version > other.Version;
}
