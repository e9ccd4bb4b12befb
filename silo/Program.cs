using CxActors;
using CxActors.Api;
using CxActors.Api.Http;
using CxActors.Silo;
using CxActors.Silo.Ingest;
using CxActors.Storage;

var builder = WebApplication.CreateBuilder(args);
// Every MySQL user in the silo (storage, clustering, log, ingest, GraphQL) reads this one connection string.
builder.Configuration["ConnectionStrings:Cx"] = CxActorsSiloExtensions.ConnectionString(builder.Configuration);

// The schema (Orleans' tables included) must exist before the silo joins the cluster.
await SchemaMigrator.ApplyWithRetryAsync(CxActorsSiloExtensions.ConnectionString(builder.Configuration), logger: null, CancellationToken.None);

builder.UseOrleans(silo => silo
    .UseCxClustering(builder.Configuration)
    .AddCxActors(builder.Configuration));
builder.Services.AddIngest(builder.Configuration);
builder.Services.AddCxGraphQL(builder.Configuration);

var app = builder.Build();
app.MapHealth();
app.MapIngestApi();
app.MapGraphQLApi();
await app.RunAsync();
