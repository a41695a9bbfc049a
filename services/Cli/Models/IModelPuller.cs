namespace RagPlatform.Cli.Models;

/// <summary>What `rag models pull` was asked for.</summary>
/// <param name="Models">Names to pull (e.g. minilm-embedder, minilm-reranker, qwen2.5); empty means every model the platform serves.</param>
/// <param name="ModelsDirectory">Where the model folders go (one per model, the layout `rag up --models` reads).</param>
/// <param name="FromDirectory">A local copy to install from (air-gapped machines) instead of the hub.</param>
internal sealed record ModelPullRequest(IReadOnlyList<string> Models, string ModelsDirectory, string? FromDirectory);

/// <summary>Progress of one model's files.</summary>
internal sealed record ModelPullProgress(string Model, string File, long BytesDone, long? BytesTotal);

/// <summary>One model installed: its folder and whether its files were verified (sha256).</summary>
internal sealed record PulledModel(string Model, string Directory, bool Verified);

/// <summary>What `rag models pull` calls; <see cref="StoreModelPuller"/> implements it over RagPlatform.ModelStore.</summary>
internal interface IModelPuller
{
    Task<IReadOnlyList<PulledModel>> PullAsync(ModelPullRequest request, IProgress<ModelPullProgress> progress, CancellationToken cancellationToken);
}
