using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Ingestion.Chunking;
using RagPlatform.Ingestion.Embedding;
using RagPlatform.Tokenizers;

namespace RagPlatform.Ingestion.Tests.Infrastructure;

/// <summary>
/// The forged tiny embedder (scripts/setup/forge-tiny.sh), loaded once.
/// </summary>
public sealed class TestEnvironment : IDisposable
{
    public TestEnvironment()
    {
        if (!File.Exists(Path.Combine(EmbedderDirectory, "forge.json")))
        {
            throw new InvalidOperationException("Run scripts/setup/forge-tiny.sh first.");
        }

        TextEmbedder = TextEmbedder.Open(OnnxSessionFactory.Create(), ModelDirectory.Load(EmbedderDirectory),
            new TextEmbedderOptions { Session = new InferenceSessionOptions { IntraOpThreads = 1 } });
        Tokenizer = TokenizerLoader.Load(EmbedderDirectory);
    }

    public static string EmbedderDirectory => TestAssets.TinyModel("minilm-embedder");

    public TextEmbedder TextEmbedder { get; }

    public ITokenizer Tokenizer { get; }

    public IPassageEmbedder Embedder => new TextEmbedderPassageEmbedder(TextEmbedder);

    public TextChunker Chunker(int target = 64, int overlap = 12) =>
        new(Tokenizer, new ChunkingOptions { TargetTokens = target, OverlapTokens = overlap }, TextEmbedder.MaxTokens);

    public void Dispose()
    {
        TextEmbedder.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class EnvironmentCollection : ICollectionFixture<TestEnvironment>
{
    public const string Name = "ingestion environment";
}

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rag-ingestion-" + Guid.NewGuid().ToString("N"));

    public string File(string name, string text)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public string File(string name, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A killed child may still hold a handle; the OS cleans temp eventually.
        }
    }
}

internal static class Bounds
{
    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(60));

    public static Task Bounded(this Task task) => task.WaitAsync(TimeSpan.FromSeconds(60));
}
