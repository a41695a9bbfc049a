using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;
using RagPlatform.Orchestrator.Extensions;
using RagPlatform.Orchestrator.Services;
using RagPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrchestrator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGrpcService<CollectionsService>(CollectionsReflection.Descriptor.Services[0]);
app.MapGrpcService<AnswersService>(AnswersReflection.Descriptor.Services[0]);
return await app.RunServiceAsync();
