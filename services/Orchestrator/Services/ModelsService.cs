using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Answering;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Services;

/// <summary>
/// rag.v1.Models: the model services' own calls passed through the orchestrator's resilient clients, each result with
/// the ModelInfo of the model that made it (so its forged flag travels with it). The model services validate the
/// requests; their refusals reach the caller as they are.
/// </summary>
internal sealed class ModelsService(ModelServices services, AnswerGenerator generator) : Models.ModelsBase
{
    public override async Task<ModelEmbedResponse> Embed(EmbedRequest request, ServerCallContext context)
    {
        var response = await services.Embedder.CallAsync(o => services.EmbedderClient.EmbedAsync(request, o), context.Deadline, context.CancellationToken);
        return new ModelEmbedResponse { Response = response, Model = await ModelAsync(services.Embedder, response.ModelId, context) };
    }

    public override async Task<ModelRerankResponse> Rerank(RerankRequest request, ServerCallContext context)
    {
        var response = await services.Reranker.CallAsync(o => services.RerankerClient.RerankAsync(request, o), context.Deadline, context.CancellationToken);
        return new ModelRerankResponse { Response = response, Model = await ModelAsync(services.Reranker, response.ModelId, context) };
    }

    public override async Task Generate(GenerateRequest request, IServerStreamWriter<ModelGenerateChunk> responseStream, ServerCallContext context)
    {
        var first = true;
        await foreach (var chunk in generator.GenerateAsync(request, context.Deadline, context.CancellationToken))
        {
            var message = new ModelGenerateChunk { Chunk = chunk };
            if (first)
            {
                // The generator answers no model id per chunk: what it is known to serve now is what wrote this text.
                message.Model = services.KnownInfo(services.Generator) ?? await services.FetchAsync(services.Generator, context.Deadline, context.CancellationToken);
                first = false;
            }

            await responseStream.WriteAsync(message, context.CancellationToken);
        }
    }

    /// <summary>The Info of the model that answered: the known one when it names that model, else asked now.</summary>
    private async Task<ModelInfo> ModelAsync(DownstreamService service, string modelId, ServerCallContext context)
    {
        services.Observe(service, modelId);
        return services.KnownInfo(service) is { } known && string.Equals(known.ModelId, modelId, StringComparison.Ordinal)
            ? known
            : await services.FetchAsync(service, context.Deadline, context.CancellationToken);
    }
}
