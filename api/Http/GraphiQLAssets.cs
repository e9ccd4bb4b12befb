namespace CxActors.Api.Http;

/// <summary>
/// The offline GraphiQL page: our bootstrap plus the GraphiQL, React, ReactDOM and graphql-ws browser bundles,
/// embedded from the pinned npm packages in <c>api/graphiql</c>.
/// </summary>
public sealed class GraphiQLAssets() : EmbeddedAssets(typeof(GraphiQLAssets).Assembly, "graphiql/");
