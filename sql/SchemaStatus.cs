namespace CxActors.Database;

/// <summary>Whether this process has applied (or found) the current schema: readiness waits for it.</summary>
public sealed class SchemaStatus
{
    private volatile bool _applied;

    public bool IsApplied => _applied;

    public void MarkApplied() => _applied = true;
}
