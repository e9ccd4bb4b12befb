namespace CxActors;

/// <summary>One contact's flags for a window W (README "Repeat contacts and first-contact resolution").</summary>
[GenerateSerializer, Immutable, Alias("cx.ContactResolution")]
public sealed record ContactResolution(
    [property: Id(0)] bool IsRepeat,
    [property: Id(1)] bool IsChannelSwitch,
    [property: Id(2)] Resolution Resolution);
