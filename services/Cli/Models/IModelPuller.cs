using RagPlatform.Cli.CommandLine;

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

/// <summary>
/// The seam `rag models pull` calls. services/RagPlatform.ModelStore (branch model-store) implements pinned-revision
/// hub downloads, sha256 checks, resume and --from installs; wiring it is an adapter over its API passed in Program.cs
/// instead of <see cref="NotWiredModelPuller"/>.
/// </summary>
internal interface IModelPuller
{
    Task<IReadOnlyList<PulledModel>> PullAsync(ModelPullRequest request, IProgress<ModelPullProgress> progress, CancellationToken cancellationToken);
}

/// <summary>Stands in until the model store is merged: says so plainly rather than pretending to download.</summary>
internal sealed class NotWiredModelPuller : IModelPuller
{
    public Task<IReadOnlyList<PulledModel>> PullAsync(ModelPullRequest request, IProgress<ModelPullProgress> progress, CancellationToken cancellationToken) =>
        throw new CliException(ExitCodes.Failed,
            "`rag models pull` is not wired yet: the model store (pinned, sha256-verified, resumable downloads) has not been merged into this build.",
            "Until then, put real weights in a directory (minilm-embedder/, minilm-reranker/, qwen2.5/ in the Optimum layout) and run `rag up --models DIR`.");
}
