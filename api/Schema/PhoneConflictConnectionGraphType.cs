using CxActors.Api.Data;

namespace CxActors.Api.Schema;

public sealed class PhoneConflictConnectionGraphType() : ConnectionGraphType<PhoneConflict, PhoneConflictGraphType>(
    "PhoneConflictConnection", "All recorded phone link conflicts.");
