using Microsoft.Extensions.Logging;

namespace RagPlatform.ModelStore.Install;

/// <summary>
/// Air-gapped installs: copies a model's files from a local folder with the same verification a pull applies, with
/// the operator's SHA256SUMS standing in for the hub where the catalog pins nothing.
/// </summary>
internal sealed class ModelImporter(ModelStoreOptions options, ILogger logger)
{
    private const int BufferSize = 1 << 20;

    public async Task<ModelManifest> ImportAsync(ModelSpec model, string source, string target, ImportOptions importOptions, DateTimeOffset now,
        IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(source))
        {
            throw new ModelStoreException(ModelStoreError.InvalidLayout, $"{model.Name}: the source folder '{source}' does not exist.");
        }

        if (string.Equals(source.TrimEnd(Path.DirectorySeparatorChar), target.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            throw new ArgumentException("The source and target folders of an import must differ.", nameof(target));
        }

        var sums = importOptions.Sha256SumsFile is { } list ? Sha256Sums.Read(list) : new Dictionary<string, string>();
        var plan = Plan(model, source, sums, importOptions);
        ModelStoreLog.ImportStarted(logger, model.Name, source, target);
        using var install = InstallTarget.Open(target);
        await install.BeginChangesAsync(model, cancellationToken).ConfigureAwait(false);
        var installed = new List<InstalledFile>();
        foreach (var (file, from, expected) in plan)
        {
            var path = install.PathOf(file);
            installed.Add(await InstallTarget.TryKeepAsync(model.Name, file, path, expected, progress, cancellationToken).ConfigureAwait(false)
                ?? await CopyAsync(model.Name, file.Path, from, path, expected, progress, cancellationToken).ConfigureAwait(false));
        }

        return await install.CompleteAsync(model, "import", source, installed, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds every file and its checksum before the target is touched; reports all that is missing at once.</summary>
    private List<(ModelFile File, string From, FileExpectation Expected)> Plan(
        ModelSpec model, string source, IReadOnlyDictionary<string, string> sums, ImportOptions importOptions)
    {
        var plan = new List<(ModelFile, string, FileExpectation)>();
        var missing = new List<string>();
        var unverifiable = new List<string>();
        foreach (var file in model.Files)
        {
            var from = new[] { file.Path, file.RemotePath }.Select(p => ModelNames.Under(source, p)).FirstOrDefault(File.Exists);
            if (from is null)
            {
                if (!file.Optional)
                {
                    missing.Add(file.Path);
                }

                continue;
            }

            var length = new FileInfo(from).Length;
            if (length > options.MaxFileSize)
            {
                throw new ModelStoreException(ModelStoreError.TooLarge,
                    $"{model.Name}: '{from}' is {length} bytes, over the {options.MaxFileSize}-byte limit (ModelStoreOptions.MaxFileSize).", file.Path);
            }

            sums.TryGetValue(from, out var listed);
            if (file.Sha256 is { } pinned && listed is not null && !string.Equals(pinned, listed, StringComparison.Ordinal))
            {
                throw FileVerifier.Mismatch(model.Name, file.Path, $"the SHA256SUMS list says {listed}, but the catalog pins {pinned}");
            }

            var expected = new FileExpectation(file.Sha256 ?? listed, file.Sha256 is not null ? "catalog" : listed is not null ? "sha256sums" : null, null, file.Size);
            if (!expected.HasChecksum && !importOptions.AllowUnverified)
            {
                unverifiable.Add(file.Path);
            }

            plan.Add((file, from, expected));
        }

        if (missing.Count > 0)
        {
            throw new ModelStoreException(ModelStoreError.InvalidLayout,
                $"{model.Name}: '{source}' lacks {string.Join(", ", missing)} (expected the files of {model.Repository}@{model.Revision}, " +
                "laid out as in the repository or as installed).", missing[0]);
        }

        return unverifiable.Count == 0
            ? plan
            : throw new ModelStoreException(ModelStoreError.MissingChecksum,
                $"{model.Name}: nothing verifies {string.Join(", ", unverifiable)}: the catalog pins no checksum for it. Pass a SHA256SUMS " +
                "file listing it (ImportOptions.Sha256SumsFile), or allow unverified files (ImportOptions.AllowUnverified).", unverifiable[0]);
    }

    private async Task<InstalledFile> CopyAsync(string model, string path, string from, string target, FileExpectation expected,
        IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        var partial = target + DurableFiles.PartialSuffix;
        FileDigest digest;
        using (var hasher = new FileHasher(expected))
        {
            await using var input = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var total = input.Length;
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                var buffer = new byte[BufferSize];
                long done = 0;
                int read;
                progress?.Report(new FileProgress(model, path, FileStage.Transferring, 0, total));
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    // The source may grow while it is copied; the limit holds for what is actually read.
                    if ((done += read) > options.MaxFileSize)
                    {
                        await output.DisposeAsync().ConfigureAwait(false);
                        DurableFiles.DeleteQuietly(partial);
                        throw new ModelStoreException(ModelStoreError.TooLarge, $"{model}: '{from}' grew past the {options.MaxFileSize}-byte limit.", path);
                    }

                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    hasher.Append(buffer.AsSpan(0, read));
                    progress?.Report(new FileProgress(model, path, FileStage.Transferring, done, total));
                }

                output.Flush(flushToDisk: true);
            }

            digest = hasher.Finish();
        }

        IReadOnlyList<string> verifiedBy = ["unverified"];
        try
        {
            if (expected.HasChecksum)
            {
                verifiedBy = FileVerifier.Verify(model, path, expected, digest);
            }
            else
            {
                ModelStoreLog.InstalledUnverified(logger, path);
            }
        }
        catch (ModelStoreException)
        {
            DurableFiles.DeleteQuietly(partial);
            throw;
        }

        DurableFiles.Commit(partial, target);
        progress?.Report(new FileProgress(model, path, FileStage.Installed, digest.Size, digest.Size));
        ModelStoreLog.FileInstalled(logger, path, digest.Size, string.Join(", ", verifiedBy));
        return new InstalledFile(path, digest.Size, digest.Sha256, verifiedBy);
    }
}
