using CxActors.Api.Data;

namespace CxActors.Api.Schema;

/// <summary>One row of <c>contactCounts</c>: a customer and its contacts in the window.</summary>
public sealed record CustomerCountNode(CustomerNode Customer, int Contacts);
