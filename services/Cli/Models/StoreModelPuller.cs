using RagPlatform.Cli.CommandLine;
using RagPlatform.ModelStore;

namespace RagPlatform.Cli.Models;

/// <summary>
/// `rag models pull` over RagPlatform.ModelStore: each catalog model (pinned revision) is pulled from the hub
/// (resumable, sha256-verified) or imported from a local copy, into its own folder under the models directory.
/// </summary>
internal sealed class StoreModelPuller : IModelPuller
{
    public async Task<IReadOnlyList<PulledModel>> PullAsync(ModelPullRequest request, IProgress<ModelPullProgress> progress, CancellationToken cancellationToken)
    {
        var catalog = ModelCatalog.Default;
        var models = request.Models.Count == 0 ? catalog.Defaults : [.. request.Models.Select(name => catalog.TryGet(name, out var spec)
            ? spec
            : throw new CliException(ExitCodes.Usage, $"There is no model '{name}' in the catalog.",
                $"Known models: {string.Join(", ", catalog.Models.Select(m => m.Name))}."))];
        var forward = new Progress<FileProgress>(p => progress.Report(new ModelPullProgress(p.Model, p.Path, p.BytesDone, p.TotalBytes)));
        using var installer = new ModelInstaller(ModelStoreOptions.FromEnvironment());
        var pulled = new List<PulledModel>();
        foreach (var model in models)
        {
            var target = Path.Combine(request.ModelsDirectory, model.Name);
            try
            {
                var manifest = request.FromDirectory is { } from
                    ? await installer.ImportAsync(model, Path.Combine(from, model.Name) is var nested && Directory.Exists(nested) ? nested : from, target,
                        progress: forward, cancellationToken: cancellationToken)
                    : await installer.PullAsync(model, target, forward, cancellationToken);
                pulled.Add(new PulledModel(model.Name, target, manifest.Files.All(f => f.VerifiedBy.Count > 0)));
            }
            catch (ModelStoreException ex)
            {
                throw new CliException(ExitCodes.Failed, $"{model.Name}: {ex.Message}", Hint(ex.Error));
            }
        }

        return pulled;
    }

    private static string Hint(ModelStoreError error) => error switch
    {
        ModelStoreError.Unauthorized or ModelStoreError.Forbidden => "Set HF_TOKEN to a Hugging Face token with access to the repository.",
        ModelStoreError.HubUnavailable => "The hub is unreachable; run again to resume, set HF_ENDPOINT to a mirror, or use --from DIR with a local copy.",
        ModelStoreError.ChecksumMismatch => "A downloaded file did not match its pinned checksum and was discarded; run again, and report it if it repeats.",
        ModelStoreError.Locked => "Another install is writing this folder; wait for it to finish.",
        _ => "See services/RagPlatform.ModelStore/README.md.",
    };
}
