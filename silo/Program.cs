using CxActors;
using CxActors.Api;
using CxActors.Api.Http;
using CxActors.Database;
using CxActors.Ingest.Pipeline;
using CxActors.Privacy;
using CxActors.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

builder.UseOrleans(silo => silo
    .UseCxClustering(builder.Configuration)
    .AddCxActors(builder.Configuration));
builder.Services.AddIngestPipeline(builder.Configuration);
builder.Services.AddCxGraphQL(builder.Configuration);
builder.Services.AddPrivacy(builder.Configuration);
builder.Services.AddHealthChecks()
    .AddCheck<MySqlReadyCheck>("mysql", tags: [ServiceDefaultsExtensions.ReadyTag])
    .AddCheck<SiloActiveCheck>("silo", tags: [ServiceDefaultsExtensions.ReadyTag]);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapIngestApi();
app.MapGraphQLApi();
app.MapPrivacyApi();
await app.RunAsync();
