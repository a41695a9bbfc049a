using RagPlatform.FakeQdrant;

// A FAKE Qdrant for tests: Qdrant's gRPC API (collections, points, query) over HTTP/2 on loopback. See README.md.
var builder = WebApplication.CreateBuilder(args);
builder.AddFakeQdrant();

var app = builder.Build();
app.MapFakeQdrant();
app.Run();
