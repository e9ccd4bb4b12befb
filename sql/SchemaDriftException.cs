namespace CxActors.Database;

/// <summary>An applied schema script was edited afterwards: the edit would never reach this database.</summary>
public sealed class SchemaDriftException(string script, string appliedChecksum, string currentChecksum)
    : Exception($"Schema script sql/{script} has changed since it was applied to this database (applied SHA-256 {appliedChecksum[..12]}…, " +
                $"now {currentChecksum[..12]}…). Applied scripts are never edited: restore it and put the change in a new script.")
{
    public string Script { get; } = script;
}
