namespace RagPlatform.Retrieval.Tests.Infrastructure;

internal static class TestPaths
{
    /// <summary>The folder holding RagPlatform.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>$RAG_SHARED_DIR, else the shared folder beside the checkout.</summary>
    public static string Shared { get; } = Environment.GetEnvironmentVariable("RAG_SHARED_DIR") is { Length: > 0 } shared
        ? shared
        : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string QdrantOpenApi => Path.Combine(Shared, "data", "qdrant", "openapi-v1.19.json");

    public static string SquadDev => Path.Combine(Shared, "data", "squad-v2", "dev-v2.0.json");

    private static string FindRoot()
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

        throw new InvalidOperationException("RagPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
