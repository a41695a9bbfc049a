namespace RagPlatform.OnnxGraph.Tests.Infrastructure;

/// <summary>
/// The models the graph tests read, forged through the repository's scripts when missing or stale (each is a no-op
/// when current): the tiny set, the real-size encoders (all-MiniLM-L6-v2 and ms-marco-MiniLM-L-6 architectures) and a
/// tiny decoder with the Optimum-style every-position head. Outputs go to per-test temporary folders.
/// </summary>
public sealed class GraphTestEnvironment : IAsyncLifetime
{
    private static readonly TimeSpan ForgeTimeout = TimeSpan.FromMinutes(8);

    public static string RealSize => Path.Combine(TestPaths.RepoRoot, ".models", "forged", "real");

    /// <summary>Forged with --logits all: logits [batch, sequence, vocabulary] from a MatMul head, as Optimum exports.</summary>
    public static string FullLogits => Path.Combine(TestPaths.RepoRoot, ".models", "onnxgraph-tests", "full-logits");

    public async Task InitializeAsync()
    {
        await TestAssets.EnsureTinyModelsAsync();
        await ForgeAsync("--size", "real", "--models", "minilm-embedder,minilm-reranker");
        await ForgeAsync("--models", "qwen2.5", "--logits", "all", "--out", FullLogits);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A fresh folder for one test's outputs, deleted with <see cref="IDisposable.Dispose"/>.</summary>
    public static TempFolder Scratch() => new(Directory.CreateTempSubdirectory("rag-onnxgraph-").FullName);

    private static async Task ForgeAsync(params string[] arguments) =>
        (await ExternalCommand.RunAsync("bash", [Path.Combine(TestPaths.RepoRoot, "scripts", "forge-models.sh"), .. arguments], TestPaths.RepoRoot, ForgeTimeout))
        .EnsureSuccess();
}

public sealed class TempFolder(string path) : IDisposable
{
    public string Path { get; } = path;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>One collection: the classes share the forged models, and the machine has two cores.</summary>
[CollectionDefinition(Name)]
public sealed class GraphCollection : ICollectionFixture<GraphTestEnvironment>
{
    public const string Name = "onnx-graph";
}
