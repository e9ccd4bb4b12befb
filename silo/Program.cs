using CxActors;
using CxActors.Access;
using CxActors.Api;
using CxActors.Api.Http;
using CxActors.Dashboard;
using CxActors.Database;
using CxActors.Ingest.Pipeline;
using CxActors.Privacy;
using CxActors.ServiceDefaults;
using CxActors.Telemetry;

// `dotnet CxActors.Silo.dll keys create|list|revoke …` (./cx keys): manage API keys on ConnectionStrings__Cx, no host.
if (args is ["keys", .. var keyArgs])
    return await KeysCommand.RunAsync(keyArgs, Environment.GetEnvironmentVariable("ConnectionStrings__Cx"), Console.Out, Console.Error);

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCxAccess();

builder.UseOrleans(silo =>
{
    silo.UseCxClustering(builder.Configuration).AddCxActors(builder.Configuration).AddCxOrleansDashboard(builder.Configuration);
    // Sampled traces follow requests into grain calls (spans of the CxActors source); off with Telemetry:Enabled=false.
    if (builder.IsTelemetryEnabled())
        silo.AddSampledTracePropagation();
});
builder.Services.AddIngestPipeline(builder.Configuration);
builder.Services.AddCxGraphQL(builder.Configuration);
builder.Services.AddCxLiveFeed(builder.Configuration);
builder.Services.AddPrivacy(builder.Configuration);
builder.Services.AddCxPages();
builder.Services.AddHealthChecks()
    .AddCheck<MySqlReadyCheck>("mysql", tags: [ServiceDefaultsExtensions.ReadyTag])
    .AddCheck<SiloActiveCheck>("silo", tags: [ServiceDefaultsExtensions.ReadyTag]);

var app = builder.Build();
app.MapDefaultEndpoints();
// graphql-transport-ws on GET /graphql (an upgrade); keep-alive is the protocol's own ping/pong.
app.UseWebSockets();
app.UseCxAccess();
app.MapIngestApi().RequireAuthorization(Scopes.Ingest);
app.MapGraphQLApi().RequireAuthorization(Scopes.Read);
app.MapPrivacyApi().RequireAuthorization(Scopes.Admin);
app.MapMetricsEndpoint().RequireAuthorization(Scopes.Metrics);
app.MapCxPages();
app.MapCxOrleansDashboard()?.RequireAuthorization(Scopes.Admin);
await app.RunAsync();
return 0;
