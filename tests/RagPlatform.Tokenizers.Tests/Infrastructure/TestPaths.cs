namespace RagPlatform.Tokenizers.Tests.Infrastructure;

/// <summary>The repository root (the folder holding RagPlatform.sln) and the shared models/data folder beside it.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SharedDir { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("RAG_SHARED_DIR") is { Length: > 0 } shared ? shared : Path.Combine(RepoRoot, "..", "shared"));

    public static string MiniLm => Path.Combine(SharedDir, "models", "all-MiniLM-L6-v2");

    public static string CrossEncoder => Path.Combine(SharedDir, "models", "ms-marco-MiniLM-L-12-v2");

    public static string QwenVocabFiles => Path.Combine(SharedDir, "models", "qwen2.5-tokenizer");

    public static string Squad => Path.Combine(SharedDir, "data", "squad-v2", "dev-v2.0.json");

    public static string OracleDir => Path.Combine(RepoRoot, "tests", "node", "transformers");

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

        throw new InvalidOperationException("RagPlatform.sln not found above the test directory.");
    }
}
