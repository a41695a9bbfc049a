using RagPlatform.Orchestrator.Extensions;
using RagPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrchestrator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapOrchestrator();
return await app.RunServiceAsync();
