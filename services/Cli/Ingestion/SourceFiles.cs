using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using RagPlatform.Cli.CommandLine;

namespace RagPlatform.Cli.Ingestion;

/// <summary>A file to upload and the document id it is uploaded as.</summary>
internal sealed record SourceFile(string Path, string DocumentId)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}

/// <summary>The files of the paths given to `rag ingest`, and the directory entries skipped on the way.</summary>
internal sealed record SourceSelection(IReadOnlyList<SourceFile> Files, int SkippedUnsupported);

/// <summary>
/// Expands `rag ingest` paths into files: a file is taken as given (its type must be supported); a directory is
/// walked recursively, taking supported files and skipping hidden entries (.git). Document ids come from the path as
/// the user wrote it: "dir/sub/file.md" → "dir_sub_file.md" for a file named by a relative path or found in a named
/// directory, the file's own name for an absolute path; so files of the same name in different folders stay different
/// documents and re-ingesting a tree updates the same documents.
/// </summary>
internal static partial class SourceFiles
{
    /// <summary>What the gateway's parsers read (services/RagPlatform.Ingestion/Parsing).</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".json", ".jsonl"];

    private const int MaxDocumentIdLength = 200;

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeIdCharacter();

    public static bool IsSupported(string path) => SupportedExtensions.Contains(System.IO.Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <exception cref="CliException">A path does not exist, a named file has an unsupported type, or two files map to one document id.</exception>
    public static SourceSelection Expand(IEnumerable<string> paths, CliEnvironment environment)
    {
        var files = new List<SourceFile>();
        var skipped = 0;
        foreach (var given in paths)
        {
            var full = environment.FullPath(given);
            if (File.Exists(full))
            {
                if (!IsSupported(full))
                {
                    throw CliException.Usage($"'{given}' is not a supported file type.", $"rag ingest reads {string.Join(' ', SupportedExtensions)}.");
                }

                files.Add(new SourceFile(full, DocumentId(AsWritten(given) ?? System.IO.Path.GetFileName(full))));
            }
            else if (Directory.Exists(full))
            {
                var root = new DirectoryInfo(full);
                foreach (var file in Walk(root))
                {
                    if (IsSupported(file.FullName))
                    {
                        var relative = System.IO.Path.Combine(root.Name, System.IO.Path.GetRelativePath(root.FullName, file.FullName));
                        files.Add(new SourceFile(file.FullName, DocumentId(relative)));
                    }
                    else
                    {
                        skipped++;
                    }
                }
            }
            else
            {
                throw CliException.Usage($"'{given}' does not exist.");
            }
        }

        var distinct = files.DistinctBy(f => f.Path).ToList();
        if (distinct.GroupBy(f => f.DocumentId).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            throw CliException.Usage($"'{clash.First().Path}' and '{clash.Skip(1).First().Path}' would both be document '{clash.Key}'.",
                "Ingest them in separate runs or rename one.");
        }

        return new SourceSelection(distinct, skipped);
    }

    /// <summary>
    /// A file named by a relative path below the current directory, as written ("deploy/README.md"), so that two
    /// files of one name in different folders stay apart; null for an absolute path or one that climbs out ("../x"),
    /// whose id is then the file's own name.
    /// </summary>
    private static string? AsWritten(string given)
    {
        if (System.IO.Path.IsPathRooted(given))
        {
            return null;
        }

        var relative = System.IO.Path.GetRelativePath(".", given); // folds "./a" and "a//b"
        return relative == ".." || relative.StartsWith(".." + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal) ? null : relative;
    }

    /// <summary>A gateway document id for a relative path: unsafe characters (separators included) become '_'.</summary>
    public static string DocumentId(string relativePath)
    {
        var id = UnsafeIdCharacter().Replace(relativePath, "_").TrimStart('.');
        if (id.Length == 0)
        {
            id = "_";
        }

        if (id.Length > MaxDocumentIdLength)
        {
            // Keep the start readable and the whole unique.
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(relativePath)))[..16];
            id = id[..(MaxDocumentIdLength - 17)] + "-" + hash;
        }

        return id;
    }

    private static IEnumerable<FileInfo> Walk(DirectoryInfo root)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            IgnoreInaccessible = true,
        };
        return root.EnumerateFiles("*", options).Where(f => !f.FullName[root.FullName.Length..].Contains($"{System.IO.Path.DirectorySeparatorChar}.", StringComparison.Ordinal))
            .OrderBy(f => f.FullName, StringComparer.Ordinal);
    }
}
