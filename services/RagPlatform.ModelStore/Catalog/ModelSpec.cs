using System.Text.RegularExpressions;

namespace RagPlatform.ModelStore;

/// <summary>Which model service a directory is for; each needs a different layout (see <see cref="ModelLayout"/>).</summary>
public enum ModelRole
{
    Embedder,
    Reranker,
    Generator,
}

/// <summary>
/// One file of a model. <see cref="Sha256"/> and <see cref="Size"/> are pinned here when a source tied to the pinned
/// revision gave them; when null the installer trusts what the hub publishes for that revision instead (the LFS
/// sha256 or the git blob id), and the manifest records which of the two verified the file.
/// </summary>
/// <param name="Path">Where the file lands in the installed directory, '/'-separated (e.g. "onnx/model.onnx").</param>
public sealed record ModelFile(string Path, string? Sha256 = null, long? Size = null)
{
    /// <summary>The path in the hub repository when it differs from <see cref="Path"/> (a quantized export installed as onnx/model.onnx).</summary>
    public string RemotePath { get; init; } = Path;

    /// <summary>Installed only when the hub lists it at the pinned revision (e.g. onnx/model.onnx_data, whose presence depends on the export).</summary>
    public bool Optional { get; init; }
}

/// <summary>A model the store can install: a hub repository at a pinned revision and the files a service needs from it.</summary>
/// <param name="Name">The installed folder name, also the name the CLI takes (e.g. "minilm-embedder").</param>
/// <param name="Repository">The hub repository, "owner/name".</param>
/// <param name="Revision">A commit hash; the installer refuses content the hub says belongs to another commit.</param>
public sealed record ModelSpec(string Name, ModelRole Role, string Repository, string Revision, IReadOnlyList<ModelFile> Files)
{
    /// <summary>One line for `rag models list`.</summary>
    public string Description { get; init; } = "";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first malformed field (paths are checked so no file lands outside the target).</summary>
    public void Validate()
    {
        if (!ModelNames.IsValidName(Name))
        {
            throw new ArgumentException($"Model name '{Name}' must be 1-100 letters, digits, '.', '_' or '-'.", nameof(Name));
        }

        if (!ModelNames.IsValidRepository(Repository))
        {
            throw new ArgumentException($"Repository '{Repository}' of model '{Name}' must be 'owner/name'.", nameof(Repository));
        }

        if (string.IsNullOrWhiteSpace(Revision) || Revision.Length > 200 || Revision.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Revision '{Revision}' of model '{Name}' is not a valid revision.", nameof(Revision));
        }

        if (Files is null || Files.Count == 0)
        {
            throw new ArgumentException($"Model '{Name}' lists no files.", nameof(Files));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            ModelNames.RequireRelativePath(file.Path, $"file of model '{Name}'");
            ModelNames.RequireRelativePath(file.RemotePath, $"remote file of model '{Name}'");
            if (!seen.Add(file.Path))
            {
                throw new ArgumentException($"Model '{Name}' lists '{file.Path}' twice.", nameof(Files));
            }

            if (file.Sha256 is not null && !ModelNames.IsSha256(file.Sha256))
            {
                throw new ArgumentException($"The sha256 of '{file.Path}' in model '{Name}' must be 64 lowercase hex digits.", nameof(Files));
            }

            if (file.Size is < 0)
            {
                throw new ArgumentException($"The size of '{file.Path}' in model '{Name}' is negative.", nameof(Files));
            }
        }
    }
}

/// <summary>Syntax checks shared by specs, manifests and checksum lists.</summary>
internal static partial class ModelNames
{
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 100 } && NamePattern().IsMatch(name) && name is not ("." or "..");

    public static bool IsValidRepository(string? repository) =>
        repository is { Length: > 0 and <= 200 } && RepositoryPattern().IsMatch(repository) && !repository.Contains("..", StringComparison.Ordinal);

    public static bool IsSha256(string? value) => value is { Length: 64 } && HexPattern().IsMatch(value);

    public static bool IsGitSha1(string? value) => value is { Length: 40 } && HexPattern().IsMatch(value);

    /// <summary>
    /// A '/'-separated relative path with no empty, "." or ".." segment, no backslash or drive: joined under a target
    /// folder it cannot escape it, whatever a catalog, a hub listing or a SHA256SUMS file says.
    /// </summary>
    public static void RequireRelativePath(string? path, string what)
    {
        if (!IsSafeRelativePath(path))
        {
            throw new ArgumentException($"The {what} '{path}' must be a relative '/'-separated path inside the model folder.");
        }
    }

    public static bool IsSafeRelativePath(string? path) =>
        path is { Length: > 0 and <= 500 }
        && !path.Contains('\\') && !path.Contains(':') && !path.StartsWith('/') && path.IndexOfAny(['\0', '\n', '\r']) < 0
        && path.Split('/').All(segment => segment is { Length: > 0 } and not "." and not "..");

    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/> (both already validated).</summary>
    public static string Under(string root, string relative) => System.IO.Path.GetFullPath(System.IO.Path.Combine(root, relative.Replace('/', System.IO.Path.DirectorySeparatorChar)));

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex("^[0-9a-f]+$")]
    private static partial Regex HexPattern();
}
