namespace RagPlatform.Onnx.Native;

/// <summary>
/// Finds libonnxruntime.so.1: the configured path, else $RAG_ONNXRUNTIME_LIBRARY, else the repository's
/// .native/onnxruntime/linux-x64/ found by walking up from the app folder, else native/ beside the app.
/// A configured path or variable is authoritative: if it is wrong we say so instead of silently using another copy.
/// </summary>
internal static class OrtLibraryLocator
{
    public const string LibraryFileName = "libonnxruntime.so.1";
    private const string RepositoryRelativeFolder = ".native/onnxruntime/linux-x64";
    private const string Fix = "Run ./scripts/setup/onnxruntime.sh from the repository root, or set " +
                               OnnxRuntimeOptions.LibraryEnvironmentVariable + " to the full path of " + LibraryFileName + ".";

    public static string Resolve(string? configuredPath, string? environmentPath, string appDirectory)
    {
        if (configuredPath is not null)
        {
            return RequireFile(Path.GetFullPath(configuredPath), "the configured OnnxRuntimeOptions.LibraryPath");
        }

        if (!string.IsNullOrEmpty(environmentPath))
        {
            return RequireFile(Path.GetFullPath(environmentPath), "$" + OnnxRuntimeOptions.LibraryEnvironmentVariable);
        }

        var tried = new List<string>();
        for (var dir = new DirectoryInfo(appDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RepositoryRelativeFolder, LibraryFileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            tried.Add(candidate);
        }

        var besideApp = Path.Combine(appDirectory, "native", LibraryFileName);
        if (File.Exists(besideApp))
        {
            return besideApp;
        }

        tried.Add(besideApp);
        throw new DllNotFoundException(
            $"ONNX Runtime ({LibraryFileName}) was not found. Tried:{Environment.NewLine}  " +
            string.Join(Environment.NewLine + "  ", tried) + Environment.NewLine + Fix);
    }

    private static string RequireFile(string path, string source) =>
        File.Exists(path)
            ? path
            : throw new DllNotFoundException($"ONNX Runtime was not found at '{path}' (from {source}). {Fix}");
}
