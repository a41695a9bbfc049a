using RagPlatform.Inference.Reranking;
using RagPlatform.Inference.Runtime;
using RagPlatform.ModelServices.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.ModelServices.Tests.Reranker;

/// <summary>One Reranker process for the class, and the same cross-encoder in-process as the reference.</summary>
public sealed class RerankerProcessFixture : IAsyncLifetime
{
    public ServiceProcess Service { get; private set; } = null!;

    public Contracts.V1.Reranker.RerankerClient Client { get; private set; } = null!;

    public CrossEncoder Reference { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ModelServiceHosts.EnsureAssetsAsync();
        // Batch sizes logged at Debug, which the batching test reads.
        Service = await ServiceProcess.StartAsync(ModelServiceHosts.Reranker(("Logging__LogLevel__RagPlatform.Reranker.Batching", "Debug")));
        Client = new Contracts.V1.Reranker.RerankerClient(Service.Channel);
        Reference = CrossEncoder.Open(OnnxSessionFactory.Create(), ModelServiceHosts.LoadModel(ModelServiceHosts.RerankerModel), new CrossEncoderOptions { Session = ModelServiceHosts.Session });
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
