using System.ComponentModel.DataAnnotations;

namespace CxActors.Privacy;

/// <summary>Interaction retention (section <c>Retention</c>). Off unless <see cref="InteractionsDays"/> is set.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Interactions that started more than this many days ago are deleted; null (the default) keeps everything.</summary>
    [Range(1, 36500)]
    public int? InteractionsDays { get; set; }

    /// <summary>Time between two runs (a run that finds nothing costs one keyset scan of <c>customers</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Wait after the silo starts before the first run.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan FirstRunAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Customers read per batch; each batch gets one audit row and one log line.</summary>
    [Range(1, 10000)]
    public int CustomersPerBatch { get; set; } = 100;

    /// <summary>Customers purged at the same time (each through its own grain).</summary>
    [Range(1, 64)]
    public int Parallelism { get; set; } = 4;
}
