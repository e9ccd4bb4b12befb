namespace CxActors.Storage;

/// <summary>One grain call's rows and customers row, waiting for the writer loop; completed after COMMIT.</summary>
internal sealed class LogAppend(IReadOnlyList<LoggedInteraction> rows, CustomerRow customer, Guid activation)
{
    public IReadOnlyList<LoggedInteraction> Rows { get; } = rows;
    public CustomerRow Customer { get; } = customer;
    public Guid Activation { get; } = activation;
    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
