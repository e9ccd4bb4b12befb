namespace CxActors.Api.Schema;

public sealed class InteractionConnectionGraphType() : ConnectionGraphType<Interaction, InteractionGraphType>(
    "InteractionConnection", "The customer's interactions (on the channel, when one was given).");
