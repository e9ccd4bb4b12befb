using CxActors.Api.Data;

namespace CxActors.Api.Live;

/// <summary>One durable new contact as a subscription delivers it: the interaction and its customer.</summary>
public sealed record ContactEvent(Interaction Interaction, CustomerNode Customer);
