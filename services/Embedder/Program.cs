using RagPlatform.Embedder.Extensions;
using RagPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddEmbedder();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapEmbedder();
return await app.RunServiceAsync();
