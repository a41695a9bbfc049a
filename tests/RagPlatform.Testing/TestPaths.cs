namespace RagPlatform.Testing;

/// <summary>Where things are: the repository (the folder holding RagPlatform.sln), the shared assets, built hosts.</summary>
public static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>$RAG_SHARED_DIR, else ../shared beside the repository.</summary>
    public static string SharedDir { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("RAG_SHARED_DIR") is { Length: > 0 } shared ? shared : Path.Combine(RepoRoot, "..", "shared"));

    /// <summary>The build configuration of the running tests ("Debug", "Release"), read from their bin/ path.</summary>
    public static string Configuration { get; } = FindConfiguration();

    /// <summary>
    /// The built host assembly of a service project in the same configuration as the tests, e.g.
    /// <c>ServiceDll("services/Embedder", "RagPlatform.Embedder")</c>. Reference the project from the test project so
    /// it is built first.
    /// </summary>
    public static string ServiceDll(string projectFolder, string assemblyName)
    {
        var dll = Path.Combine(RepoRoot, projectFolder, "bin", Configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"{dll} is not built: reference {projectFolder} from the test project or run dotnet build.", dll);
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RagPlatform.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException($"No RagPlatform.sln above {AppContext.BaseDirectory}.");
    }

    private static string FindConfiguration()
    {
        var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        return bin >= 0 && bin + 1 < parts.Length ? parts[bin + 1] : "Debug";
    }
}
