using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagPlatform.ModelStore.Hub;
using RagPlatform.ModelStore.Install;

namespace RagPlatform.ModelStore;

/// <summary>
/// Installs a <see cref="ModelSpec"/> into a folder the model services load: <see cref="PullAsync"/> from the hub at
/// the pinned revision, <see cref="ImportAsync"/> from a local folder. Every file is verified before it becomes
/// visible, and rag-model.json is written last, so a folder is either a complete install or says it is not.
/// Reruns keep files that already verify and resume interrupted downloads.
/// </summary>
public sealed class ModelInstaller : IDisposable
{
    private readonly ModelStoreOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly HubClient _hub;
    private readonly FileDownloader _downloader;
    private readonly ModelImporter _importer;

    public ModelInstaller(ModelStoreOptions options, ILogger<ModelInstaller>? logger = null)
        : this(options, logger, TimeProvider.System)
    {
    }

    internal ModelInstaller(ModelStoreOptions options, ILogger? logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time;
        var retry = new RetryPolicy(options, time, _logger);
        _hub = new HubClient(options, retry);
        _downloader = new FileDownloader(_hub, retry, options, _logger);
        _importer = new ModelImporter(options, _logger);
    }

    /// <summary>
    /// Downloads <paramref name="model"/> into <paramref name="targetDirectory"/>. Each file is checked against its
    /// catalog pin and against what the hub publishes for the revision (LFS sha256 or git blob id, and size).
    /// </summary>
    /// <exception cref="ModelStoreException">The install failed; <see cref="ModelStoreException.Error"/> says why.</exception>
    public async Task<ModelManifest> PullAsync(ModelSpec model, string targetDirectory, IProgress<FileProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        model.Validate();
        var target = Path.GetFullPath(targetDirectory);
        using var install = InstallTarget.Open(target);
        if (install.CurrentInstall(model) is { } current)
        {
            ModelStoreLog.UpToDate(_logger, model.Name, target);
            return current.ReportedUpToDate(model.Name, progress);
        }

        ModelStoreLog.PullStarted(_logger, model.Name, model.Repository, model.Revision, target);
        var listing = await _hub.ListAsync(model.Repository, model.Revision, cancellationToken).ConfigureAwait(false);
        var plan = Plan(model, listing);
        await install.BeginChangesAsync(model, cancellationToken).ConfigureAwait(false);
        var installed = new List<InstalledFile>();
        foreach (var (file, expected) in plan)
        {
            var path = install.PathOf(file);
            installed.Add(await InstallTarget.TryKeepAsync(model.Name, file, path, expected, progress, cancellationToken).ConfigureAwait(false)
                ?? await _downloader.DownloadAsync(
                    new DownloadJob(model.Name, file.Path, _hub.FileUri(model.Repository, model.Revision, file.RemotePath), path, model.Revision, expected),
                    progress, cancellationToken).ConfigureAwait(false));
        }

        return await install.CompleteAsync(model, "hub", _options.Hub.AbsoluteUri, installed, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies <paramref name="model"/>'s files from <paramref name="sourceDirectory"/> (the installed layout, or the
    /// hub repository's own paths) into <paramref name="targetDirectory"/>, for machines without the hub. Each file
    /// is verified against its catalog pin or the operator's SHA256SUMS list; anything else needs
    /// <see cref="ImportOptions.AllowUnverified"/>. Nothing is written before every file is found and checkable.
    /// </summary>
    /// <exception cref="ModelStoreException">The import failed; <see cref="ModelStoreException.Error"/> says why.</exception>
    public Task<ModelManifest> ImportAsync(ModelSpec model, string sourceDirectory, string targetDirectory, ImportOptions? options = null,
        IProgress<FileProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(sourceDirectory);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        model.Validate();
        return _importer.ImportAsync(model, Path.GetFullPath(sourceDirectory), Path.GetFullPath(targetDirectory), options ?? new ImportOptions(),
            _time.GetUtcNow(), progress, cancellationToken);
    }

    public void Dispose() => _hub.Dispose();

    /// <summary>
    /// Matches the model's files with the hub's listing before anything is downloaded: a missing file, or a catalog
    /// pin the hub contradicts, fails here rather than after gigabytes.
    /// </summary>
    private List<(ModelFile File, FileExpectation Expected)> Plan(ModelSpec model, IReadOnlyDictionary<string, HubEntry> listing)
    {
        var plan = new List<(ModelFile, FileExpectation)>();
        var missing = new List<string>();
        foreach (var file in model.Files)
        {
            if (!listing.TryGetValue(file.RemotePath, out var entry))
            {
                if (!file.Optional)
                {
                    missing.Add(file.RemotePath);
                }

                continue;
            }

            if (file.Sha256 is { } pinned && entry.LfsSha256 is { } published && !string.Equals(pinned, published, StringComparison.Ordinal))
            {
                throw FileVerifier.Mismatch(model.Name, file.Path, $"the hub publishes sha256 {published} for it at {model.Revision}, but the catalog pins {pinned}");
            }

            long? listed = entry.Size >= 0 ? entry.Size : null;
            if (file.Size is { } pinnedSize && listed is { } listedSize && pinnedSize != listedSize)
            {
                throw FileVerifier.Mismatch(model.Name, file.Path, $"the hub lists {listedSize} bytes for it, but the catalog pins {pinnedSize}");
            }

            var size = file.Size ?? listed;
            if (size > _options.MaxFileSize)
            {
                throw new ModelStoreException(ModelStoreError.TooLarge,
                    $"{model.Name}: '{file.Path}' is {size} bytes, over the {_options.MaxFileSize}-byte limit (ModelStoreOptions.MaxFileSize).", file.Path);
            }

            var sha256 = file.Sha256 ?? entry.LfsSha256;
            var source = file.Sha256 is not null ? "catalog" : entry.LfsSha256 is not null ? "hub" : null;
            plan.Add((file, new FileExpectation(sha256, source, entry.LfsSha256 is null ? entry.GitOid : null, size)));
        }

        return missing.Count == 0
            ? plan
            : throw new ModelStoreException(ModelStoreError.NotFound,
                $"{model.Name}: {model.Repository} has no {string.Join(", ", missing)} at revision {model.Revision}.", missing[0]);
    }
}
