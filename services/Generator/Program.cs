using RagPlatform.Generator;
using RagPlatform.ServiceDefaults;

// rag.v1.Generator: streamed generation with a decoder-only model (see protos/rag/v1/generator.proto).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGenerator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGenerator();

return await app.RunServiceAsync();
