using GraphQL.Validation;

namespace CxActors.Api.Http;

/// <summary>An operation over <see cref="GraphQLApiOptions.MaxRootFields"/> or <see cref="GraphQLApiOptions.MaxFieldSelections"/>; code TOO_MANY_FIELDS.</summary>
public sealed class TooManyFieldsError(string message) : ValidationError(message);
