namespace CxActors.Tests.Infrastructure;

/// <summary>Builds canonical interactions the way the ingest adapters do.</summary>
public static class Interactions
{
    public static string NewCustomer() => $"c{Guid.NewGuid():N}@example.com";

    public static Interaction Make(string customer, Channel channel, DateTime startedAtUtc, string? sourceId = null,
        string? agent = null, string? name = null, string? phone = null, int? score = null)
    {
        var started = InteractionIdentity.NormalizeUtc(startedAtUtc);
        return new Interaction
        {
            Id = InteractionIdentity.Compute(customer, channel, started, sourceId),
            SourceId = sourceId,
            CustomerId = customer,
            Channel = channel,
            StartedAt = started,
            EndedAt = started.AddMinutes(5),
            Agent = agent,
            Name = name,
            Phone = phone,
            FeedbackScore = score,
            Source = "api",
        };
    }

    public static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0, int ms = 0) =>
        new(year, month, day, hour, minute, second, ms, DateTimeKind.Utc);
}
