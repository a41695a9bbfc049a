using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;
using RagPlatform.Reranker.Extensions;
using RagPlatform.Reranker.Services;
using RagPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddReranker();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGrpcService<RerankerService>(RerankerReflection.Descriptor.Services[0]);
return await app.RunServiceAsync();
