namespace CxActors.Ingest;

public sealed record IngestOptions
{
    /// <summary>IANA zone the exports' offset-less local times are in.</summary>
    public string SourceTimeZone { get; init; } = "America/Sao_Paulo";
    /// <summary>Region of phone numbers written without a country code (<see cref="PhoneOptions.DefaultRegion"/>).</summary>
    public string PhoneRegion { get; init; } = "BR";
    /// <summary>"Now", for rejecting records dated in the future.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    /// <summary>
    /// Keep every record's raw text (the default), or only that of records that may be rejected: the ingest
    /// endpoint stores raw text only for rejections, and a string per accepted record is most of its garbage.
    /// </summary>
    public bool KeepAllRawText { get; init; } = true;
}
