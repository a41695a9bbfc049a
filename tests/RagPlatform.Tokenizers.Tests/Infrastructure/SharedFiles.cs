namespace RagPlatform.Tokenizers.Tests.Infrastructure;

/// <summary>The real tokenizer folders and SQuAD in the shared folder, and the transformers.js oracle folder.</summary>
internal static class SharedFiles
{
    public static string MiniLm => Path.Combine(TestPaths.SharedDir, "models", "all-MiniLM-L6-v2");

    public static string CrossEncoder => Path.Combine(TestPaths.SharedDir, "models", "ms-marco-MiniLM-L-12-v2");

    public static string QwenVocabFiles => Path.Combine(TestPaths.SharedDir, "models", "qwen2.5-tokenizer");

    public static string Squad => Path.Combine(TestPaths.SharedDir, "data", "squad-v2", "dev-v2.0.json");
}
