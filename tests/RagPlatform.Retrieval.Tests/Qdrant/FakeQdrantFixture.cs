using RagPlatform.Retrieval.Tests.Infrastructure;

namespace RagPlatform.Retrieval.Tests.Qdrant;

/// <summary>One fake Qdrant process per test class (tests/RagPlatform.FakeQdrant); tests use their own collections on it.</summary>
public sealed class FakeQdrantFixture : IAsyncLifetime
{
    private FakeQdrantProcess? _fake;

    public FakeQdrantProcess Fake => _fake ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _fake = await FakeQdrantProcess.StartAsync().Bounded();

    public async Task DisposeAsync()
    {
        if (_fake is not null)
        {
            await _fake.DisposeAsync().Bounded();
        }
    }

    public QdrantIndex CreateIndex(QdrantIndexOptions? options = null) =>
        new((options ?? new QdrantIndexOptions()) with { Endpoint = new Uri(Fake.Url), ApiKey = Fake.ApiKey });
}

/// <summary>A real Qdrant in a container for the test class, started only where a Docker engine answers.</summary>
public sealed class QdrantContainerFixture : IAsyncLifetime
{
    private QdrantContainer? _container;

    public string Url => _container?.Url ?? throw new InvalidOperationException("No container: " + DockerEngine.UnavailableReason);

    public async Task InitializeAsync()
    {
        // xunit builds class fixtures even when every test of the class is reported skipped.
        if (DockerEngine.UnavailableReason is null)
        {
            _container = await QdrantContainer.StartAsync().WaitAsync(TimeSpan.FromMinutes(5));
        }
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync().Bounded();
        }
    }
}
