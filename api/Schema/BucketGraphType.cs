using CxActors.Api.Data;

namespace CxActors.Api.Schema;

public sealed class BucketGraphType : EnumerationGraphType
{
    public BucketGraphType()
    {
        Name = "Bucket";
        Description = "The width of a contactStats bucket, in the asked time zone.";
        Add("HOUR", Bucket.Hour, "One hour.");
        Add("DAY", Bucket.Day, "One calendar day of the time zone: 23 or 25 hours on the days its clocks change.");
    }
}
