namespace CxActors.Api.Data;

/// <summary>One row of the fleet-wide contact counts.</summary>
public sealed record CustomerContacts(string CustomerId, int Contacts);
