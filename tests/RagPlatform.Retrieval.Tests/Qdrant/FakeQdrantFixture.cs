using RagPlatform.Retrieval.Tests.Infrastructure;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>One fake Qdrant per test class; tests use their own collections on it.</summary>
public sealed class FakeQdrantFixture : IAsyncLifetime
{
    private FakeQdrantServer? _server;

    internal FakeQdrantServer Server => _server ?? throw new InvalidOperationException("Not started.");

    internal OpenApiSchemaValidator Schema { get; } = OpenApiSchemaValidator.Load(SharedFiles.QdrantOpenApi);

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync() => _server = await FakeQdrantServer.StartAsync(Schema).Bounded();

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync().Bounded();
        }
    }

    public QdrantIndex CreateIndex() => new(Http, new QdrantIndexOptions { BaseAddress = Server.BaseAddress });
}
