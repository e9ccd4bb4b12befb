namespace CxActors;

/// <summary>
/// What became of a contact within the window W after it: <see cref="Repeated"/> when the customer came back within W,
/// <see cref="Open"/> while W has not passed yet (as of the time asked), <see cref="Resolved"/> otherwise.
/// </summary>
[GenerateSerializer, Alias("cx.Resolution")]
public enum Resolution : byte
{
    Resolved = 0,
    Repeated = 1,
    Open = 2,
}
