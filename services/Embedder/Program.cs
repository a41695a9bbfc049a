using RagPlatform.Contracts.V1;
using RagPlatform.Embedder.Extensions;
using RagPlatform.Embedder.Services;
using RagPlatform.Grpc;
using RagPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddEmbedder();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGrpcService<EmbedderService>(EmbedderReflection.Descriptor.Services[0]);
return await app.RunServiceAsync();
