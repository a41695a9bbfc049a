using System.Text.RegularExpressions;
using Grpc.Core;

namespace RagPlatform.Orchestrator.Ingestion;

/// <summary>
/// The names a caller may choose: collection names, document ids and uploaded file names. Each check refuses with
/// INVALID_ARGUMENT naming the field. Ids become path segments on disk, so anything that could climb out of a
/// directory ("..", separators, a leading dot) is refused, never silently rewritten.
/// </summary>
internal static partial class DocumentNames
{
    public const int MaxDocumentIdLength = 200;
    public const int MaxFileNameLength = 255;

    [GeneratedRegex("^[a-z0-9_-]{1,64}$")]
    private static partial Regex CollectionPattern();

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex DocumentIdPattern();

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeIdCharacter();

    public static string Collection(string name, string field = "collection") =>
        CollectionPattern().IsMatch(name) ? name
            : throw Invalid($"{field} '{Shorten(name)}' is not a collection name: use 1 to 64 of a-z, 0-9, '_' and '-'.");

    public static string DocumentId(string id, string field = "document_id") =>
        DocumentIdPattern().IsMatch(id) ? id
            : throw Invalid($"{field} '{Shorten(id)}' is not a document id: use 1 to {MaxDocumentIdLength} of A-Z, a-z, 0-9, '.', '_' and '-', not starting with '.'.");

    /// <summary>Checks an uploaded file's name; returns its extension.</summary>
    public static string FileName(string fileName)
    {
        if (fileName.Length is 0 or > MaxFileNameLength)
        {
            throw Invalid($"file_name must be 1 to {MaxFileNameLength} characters (was {fileName.Length}).");
        }

        if (fileName is "." or ".." || fileName.Any(c => c is '/' or '\\' || char.IsControl(c)))
        {
            throw Invalid($"file_name '{Shorten(fileName)}' holds a path or control characters; send the bare file name.");
        }

        return Path.GetExtension(fileName);
    }

    /// <summary>The document id a file gets when the caller names none: its name with unsafe characters replaced.</summary>
    public static string DocumentIdFromFileName(string fileName)
    {
        var id = UnsafeIdCharacter().Replace(fileName, "_").TrimStart('.');
        return DocumentId(id.Length > MaxDocumentIdLength ? id[..MaxDocumentIdLength] : id.Length == 0 ? "_" : id, "file_name");
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
