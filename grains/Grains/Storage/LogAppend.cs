using System.Diagnostics;

namespace CxActors.Storage;

/// <summary>What a writer loop's queue holds: appends, and now and then a customer's maintenance (erasure, retention).</summary>
internal abstract class LogWork;

/// <summary>
/// One grain call's rows and customers row, waiting for the writer loop; completed after COMMIT. <see cref="Caller"/>
/// is the activity of the call that appended (the grain call's, when traced), which the flush's span links to.
/// </summary>
internal sealed class LogAppend(IReadOnlyList<LoggedInteraction> rows, CustomerRow customer, Guid activation) : LogWork
{
    public ActivityContext Caller { get; } = Activity.Current is { Recorded: true } current ? current.Context : default;
    public IReadOnlyList<LoggedInteraction> Rows { get; } = rows;
    public CustomerRow Customer { get; } = customer;
    public Guid Activation { get; } = activation;
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Deletes a customer's log rows (all of them, or those started before <see cref="PurgeBefore"/>), its customers row
/// (replaced by <see cref="Replacement"/> when given) and its grain snapshot, in one transaction. It goes through the
/// customer's own writer loop, so every append queued before it is committed before it runs.
/// </summary>
internal sealed class LogMaintenance(string customerId, DateTime? purgeBefore, CustomerRow? replacement) : LogWork
{
    public string CustomerId { get; } = customerId;
    public DateTime? PurgeBefore { get; } = purgeBefore;
    public CustomerRow? Replacement { get; } = replacement;
    public TaskCompletionSource<LogMaintenanceResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Rows a maintenance deleted: interactions, customers rows and grain snapshots.</summary>
public readonly record struct LogMaintenanceResult(int Interactions, int CustomerRows, int Snapshots);
