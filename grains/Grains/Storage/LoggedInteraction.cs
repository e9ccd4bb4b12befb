namespace CxActors.Storage;

/// <summary>An interaction with its position in its customer's log.</summary>
public readonly record struct LoggedInteraction(int Seq, Interaction Interaction);
