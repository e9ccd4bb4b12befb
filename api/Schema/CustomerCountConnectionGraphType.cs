namespace CxActors.Api.Schema;

public sealed class CustomerCountConnectionGraphType() : ConnectionGraphType<CustomerCountNode, CustomerCountGraphType>(
    "CustomerCountConnection", "Customers with a count in the window: their contacts (contactCounts) or their repeats (repeatCallers).");
