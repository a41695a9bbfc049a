using RagPlatform.Reranker.Extensions;
using RagPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddReranker();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapReranker();
return await app.RunServiceAsync();
