using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Ingestion.Embedding;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Ingestion;

/// <summary>
/// The ingestion pipeline's embedder seam over the Embedder service (gRPC), through its resilience pipeline. An
/// outage becomes <see cref="DependencyUnavailableException"/>, so documents wait in the queue instead of failing.
/// </summary>
internal sealed class RemotePassageEmbedder(ModelServices services, ModelInfo model) : IPassageEmbedder
{
    public int Dimensions { get; } = model.Dimensions;

    public int MaxTokens { get; } = model.MaxTokens;

    public async Task<IReadOnlyList<float[]>> EmbedPassagesAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var request = new EmbedRequest { Role = EmbedRole.Passage };
        request.Texts.AddRange(texts);
        EmbedResponse response;
        try
        {
            response = await services.Embedder.CallAsync(o => services.EmbedderClient.EmbedAsync(request, o), DateTime.MaxValue, cancellationToken);
        }
        catch (RpcException ex) when (DownstreamService.IsServiceFailure(ex))
        {
            throw new DependencyUnavailableException(ex.Status.Detail, ex);
        }

        if (response.Dimensions != Dimensions)
        {
            // A different model was loaded behind our back: its vectors do not belong in this collection.
            throw new DependencyUnavailableException(
                $"The embedder now serves {response.ModelId} with {response.Dimensions} dimensions, not the {Dimensions} this orchestrator started with; restart the orchestrator.");
        }

        return [.. response.Embeddings.Select(e => e.Values.ToArray())];
    }
}
