using RagPlatform.Gateway.Apis;
using RagPlatform.Gateway.Extensions;
using RagPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddHostDefaults();
builder.AddGateway();

var app = builder.Build();
app.UseGateway();
app.MapSystemApi();
app.MapUi();
app.MapCollectionsApi();
app.MapDocumentsApi();
app.MapAskApi();
app.MapKeysApi();
return await app.RunServiceAsync();

public partial class Program;
