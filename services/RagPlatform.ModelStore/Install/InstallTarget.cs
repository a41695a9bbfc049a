namespace RagPlatform.ModelStore.Install;

/// <summary>
/// A model folder being (re)installed, held under its lock. On open the manifest is removed, so until
/// <see cref="CompleteAsync"/> writes the new one the folder never claims to be a complete install.
/// </summary>
internal sealed class InstallTarget : IDisposable
{
    /// <summary>Present while an install is changing the folder.</summary>
    public const string PendingMarker = "rag-model.pending";

    private readonly DirectoryLock _lock;
    private readonly ModelManifest? _previous;

    private InstallTarget(string directory, DirectoryLock directoryLock, ModelManifest? previous)
    {
        Directory = directory;
        _lock = directoryLock;
        _previous = previous;
    }

    public string Directory { get; }

    /// <summary>Locks <paramref name="directory"/> (creating it). The current manifest stays until <see cref="BeginChanges"/>.</summary>
    public static InstallTarget Open(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var directoryLock = DirectoryLock.Acquire(directory);
        ModelManifest? previous;
        try
        {
            previous = ModelManifest.TryRead(directory);
        }
        catch (InvalidDataException)
        {
            // A damaged manifest describes nothing worth keeping; the install below replaces it.
            previous = null;
        }

        return new InstallTarget(directory, directoryLock, previous);
    }

    /// <summary>The manifest found on open (null when there was none or it was damaged).</summary>
    public ModelManifest? Previous => _previous;

    /// <summary>The manifest found on open, when it already describes <paramref name="model"/> completely.</summary>
    public ModelManifest? CurrentInstall(ModelSpec model) => _previous is { } manifest && manifest.Describes(model, Directory) ? manifest : null;

    /// <summary>
    /// Removes the manifest and leaves rag-model.pending until <see cref="CompleteAsync"/>: a run that fails after
    /// replacing some files leaves a folder `rag models list` reports as incomplete, not as unknown.
    /// </summary>
    public Task BeginChangesAsync(ModelSpec model, CancellationToken cancellationToken) =>
        BeginChangesAsync($"{model.Repository}@{model.Revision}", cancellationToken);

    /// <param name="installing">What is being installed, for whoever finds the marker (e.g. "owner/repo@commit").</param>
    public Task BeginChangesAsync(string installing, CancellationToken cancellationToken)
    {
        ModelManifest.Delete(Directory);
        return DurableFiles.WriteAllBytesAsync(System.IO.Path.Combine(Directory, PendingMarker),
            System.Text.Encoding.UTF8.GetBytes(installing + "\n"), cancellationToken);
    }

    /// <summary>The full path of a model file, its parent folder created.</summary>
    public string PathOf(ModelFile file)
    {
        var path = ModelNames.Under(Directory, file.Path);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>
    /// An installed file that already verifies is kept (a rerun after an interruption does not fetch 2 GB again);
    /// null when it is absent, of another size, or fails a checksum.
    /// </summary>
    public static async Task<InstalledFile?> TryKeepAsync(string model, ModelFile file, string path, FileExpectation expected,
        IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        if (!expected.HasChecksum || !File.Exists(path) || (expected.Size is { } size && new FileInfo(path).Length != size))
        {
            return null;
        }

        var length = new FileInfo(path).Length;
        using var hasher = new FileHasher(expected with { Size = length });
        progress?.Report(new FileProgress(model, file.Path, FileStage.Checking, 0, length));
        await hasher.AppendFileAsync(path, length, null, cancellationToken).ConfigureAwait(false);
        var digest = hasher.Finish();
        try
        {
            var verifiedBy = FileVerifier.Verify(model, file.Path, expected, digest);
            progress?.Report(new FileProgress(model, file.Path, FileStage.UpToDate, length, length));
            return new InstalledFile(file.Path, length, digest.Sha256, verifiedBy);
        }
        catch (ModelStoreException error) when (error.Error == ModelStoreError.ChecksumMismatch)
        {
            return null;
        }
    }

    /// <summary>
    /// Checks the folder is one the model's service loads, removes files a previous install listed that this one
    /// does not (e.g. an external-data file of another export), then writes the manifest — the last step.
    /// </summary>
    public Task<ModelManifest> CompleteAsync(ModelSpec model, string source, string origin, IReadOnlyList<InstalledFile> files,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        CompleteAsync(new ModelManifest
        {
            Name = model.Name,
            Role = model.Role,
            Repository = model.Repository,
            Revision = model.Revision,
            Source = source,
            Origin = origin,
            InstalledAt = now,
            Files = files,
        }, cancellationToken);

    /// <summary>As above, for a manifest the caller filled in (installs that are not hub revisions).</summary>
    public async Task<ModelManifest> CompleteAsync(ModelManifest manifest, CancellationToken cancellationToken)
    {
        var layout = ModelLayout.Validate(Directory, manifest.Role);
        if (!layout.IsValid)
        {
            throw new ModelStoreException(ModelStoreError.InvalidLayout,
                $"{manifest.Name}: the installed folder '{Directory}' is not one the {manifest.Role} loads: {string.Join(" ", layout.Problems)}");
        }

        var kept = manifest.Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in _previous?.Files.Where(f => !kept.Contains(f.Path)) ?? [])
        {
            DurableFiles.DeleteQuietly(ModelNames.Under(Directory, stale.Path));
        }

        await manifest.WriteAsync(Directory, cancellationToken).ConfigureAwait(false);
        DurableFiles.DeleteQuietly(System.IO.Path.Combine(Directory, PendingMarker));
        return manifest;
    }

    public void Dispose() => _lock.Dispose();
}
