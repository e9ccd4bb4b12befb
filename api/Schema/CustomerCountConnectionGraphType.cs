namespace CxActors.Api.Schema;

public sealed class CustomerCountConnectionGraphType() : ConnectionGraphType<CustomerCountNode, CustomerCountGraphType>(
    "CustomerCountConnection", "Customers with at least one contact in the window.");
