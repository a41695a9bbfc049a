using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;

namespace RagPlatform.Testing;

/// <summary>
/// A real Qdrant in a throw-away container (Testcontainers, image qdrant/qdrant at the release deploy/ pins), for the
/// contract and end-to-end suites wherever a Docker engine answers (see <see cref="DockerEngine"/>).
/// </summary>
public sealed class QdrantContainer : IAsyncDisposable
{
    public const string Image = "qdrant/qdrant:v1.19.0";
    private const int GrpcPort = 6334;
    private const int HttpPort = 6333;

    private readonly IContainer _container;

    private QdrantContainer(IContainer container) => _container = container;

    /// <summary>The gRPC endpoint on the mapped port, http://host:port.</summary>
    public string Url => $"http://{_container.Hostname}:{_container.GetMappedPublicPort(GrpcPort)}";

    public static async Task<QdrantContainer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (DockerEngine.UnavailableReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var container = new ContainerBuilder(Image)
            .WithPortBinding(GrpcPort, assignRandomHostPort: true)
            .WithPortBinding(HttpPort, assignRandomHostPort: true)
            .WithEnvironment("QDRANT__TELEMETRY_DISABLED", "true")
            // /readyz (REST, no API key) answers 200 once every shard is loaded.
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(request => request.ForPort(HttpPort).ForPath("/readyz")))
            .Build();
        try
        {
            await container.StartAsync(cancellationToken);
            return new QdrantContainer(container);
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _container.DisposeAsync();
}
