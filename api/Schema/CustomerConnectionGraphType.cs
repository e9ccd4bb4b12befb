using CxActors.Api.Data;

namespace CxActors.Api.Schema;

public sealed class CustomerConnectionGraphType() : ConnectionGraphType<CustomerNode, CustomerGraphType>(
    "CustomerConnection", "All customers.");
