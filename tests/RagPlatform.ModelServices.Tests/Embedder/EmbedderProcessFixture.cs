using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Runtime;
using RagPlatform.ModelServices.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.ModelServices.Tests.Embedder;

/// <summary>
/// One Embedder process for the class (batch sizes logged at Debug, which the batching test reads), and the same
/// model opened in-process as the reference.
/// </summary>
public sealed class EmbedderProcessFixture : IAsyncLifetime
{
    public ServiceProcess Service { get; private set; } = null!;

    public Contracts.V1.Embedder.EmbedderClient Client { get; private set; } = null!;

    public TextEmbedder Reference { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ModelServiceHosts.EnsureAssetsAsync();
        Service = await ServiceProcess.StartAsync(ModelServiceHosts.Embedder(
            ("Logging__LogLevel__RagPlatform.Embedder.Batching", "Debug"),
            ("Embedder__MaxBatchWait", "00:00:00.020")));
        Client = new Contracts.V1.Embedder.EmbedderClient(Service.Channel);
        Reference = TextEmbedder.Open(OnnxSessionFactory.Create(), ModelServiceHosts.LoadModel(ModelServiceHosts.EmbedderModel), new TextEmbedderOptions { Session = ModelServiceHosts.Session });
    }

    public async Task DisposeAsync()
    {
        Reference?.Dispose();
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
    }
}
