namespace CxActors.Api.Data;

/// <summary>Contacts on one channel in one hour or day of the asked time zone, which starts at <see cref="Start"/> (UTC).</summary>
public sealed record ContactStatsBucket(DateTime Start, Channel Channel, int Contacts);
