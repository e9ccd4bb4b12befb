using System.Diagnostics;

namespace CxActors.Storage;

/// <summary>
/// One grain call's rows and customers row, waiting for the writer loop; completed after COMMIT. <see cref="Caller"/>
/// is the activity of the call that appended (the grain call's, when traced), which the flush's span links to.
/// </summary>
internal sealed class LogAppend(IReadOnlyList<LoggedInteraction> rows, CustomerRow customer, Guid activation)
{
    public ActivityContext Caller { get; } = Activity.Current is { Recorded: true } current ? current.Context : default;
    public IReadOnlyList<LoggedInteraction> Rows { get; } = rows;
    public CustomerRow Customer { get; } = customer;
    public Guid Activation { get; } = activation;
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
