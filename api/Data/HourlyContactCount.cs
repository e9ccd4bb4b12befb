namespace CxActors.Api.Data;

/// <summary>A <c>contact_stats_hourly</c> row: contacts that started in the UTC hour <see cref="Hour"/> on <see cref="Channel"/>.</summary>
public sealed record HourlyContactCount(DateTime Hour, Channel Channel, int Contacts);
