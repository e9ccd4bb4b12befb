namespace CxActors.Api.Data;

/// <summary>The width of a <c>contactStats</c> bucket, in the asked time zone.</summary>
public enum Bucket
{
    Hour,
    Day,
}
