using RagPlatform.Generator.Extensions;
using RagPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGenerator();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGenerator();
return await app.RunServiceAsync();
