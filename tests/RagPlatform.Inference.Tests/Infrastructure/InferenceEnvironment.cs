using System.Text.Json;
using System.Text.Json.Nodes;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;

namespace RagPlatform.Inference.Tests.Infrastructure;

/// <summary>
/// What every test here needs, installed through the repository's idempotent setup scripts when missing: the forged
/// tiny models, the toy graphs of the runtime tests (scripts/setup/onnx-test-models.sh) and the transformers.js oracle
/// folder. ONNX Runtime itself comes with the build (the Microsoft.ML.OnnxRuntime package). One session factory and the
/// loaded model directories are shared across the collection.
/// </summary>
public sealed class InferenceEnvironment : IAsyncLifetime
{
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan OracleTimeout = TimeSpan.FromMinutes(5);
    private OnnxSessionFactory? _sessions;

    public OnnxSessionFactory Sessions => _sessions ?? throw new InvalidOperationException("The environment is not initialized.");

    public ModelDirectory Embedder { get; private set; } = null!;

    public ModelDirectory Reranker { get; private set; } = null!;

    public ModelDirectory Qwen { get; private set; } = null!;

    /// <summary>The tiny Qwen with a float16 KV cache at the graph boundary (built by Fixtures/fp16_kv_variant.py).</summary>
    public ModelDirectory QwenFloat16Cache { get; private set; } = null!;

    /// <summary>
    /// The tiny Qwen with the head as Optimum exports it: logits for every fed position, [batch, sequence, vocabulary]
    /// (scripts/forge-models.sh --logits all; the default forge returns the last position only).
    /// </summary>
    public ModelDirectory QwenFullLogits { get; private set; } = null!;

    /// <summary>One intra-op thread: the machine is small and tests run beside other work.</summary>
    public static InferenceSessionOptions Session { get; } = new() { IntraOpThreads = 1 };

    /// <summary>A toy graph of scripts/testmodels/build_test_models.py, e.g. "long_loop".</summary>
    public static string TestModel(string name) => Path.Combine(TestPaths.RepoRoot, ".models", "test", name + ".onnx");

    /// <summary>Opens a toy graph with one intra-op thread.</summary>
    public OnnxSession OpenTestModel(string name, InferenceSessionOptions? options = null) => Sessions.Open(TestModel(name), options ?? Session);

    public async Task InitializeAsync()
    {
        await TestAssets.EnsureTinyModelsAsync();
        await TestAssets.EnsureTransformersJsAsync();
        await TestAssets.RunSetupAsync("onnx-test-models.sh");
        _sessions = OnnxSessionFactory.Create();
        Embedder = ModelDirectory.Load(TestAssets.TinyModel("minilm-embedder"));
        Reranker = ModelDirectory.Load(TestAssets.TinyModel("minilm-reranker"));
        Qwen = ModelDirectory.Load(TestAssets.TinyModel("qwen2.5"));
        QwenFloat16Cache = ModelDirectory.Load(await BuildQwenVariantAsync("fp16_kv_variant.py", "qwen2.5-fp16kv"));
        QwenFullLogits = ModelDirectory.Load(await ForgeFullLogitsVariantAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Runs tests/node/transformers/<paramref name="script"/> on a JSON request; returns the response and its folder (for side files).</summary>
    public static async Task<(JsonNode Response, DirectoryInfo Folder)> RunOracleAsync(string script, object request)
    {
        var folder = Directory.CreateTempSubdirectory("rag-inference-oracle-");
        var requestFile = Path.Combine(folder.FullName, "request.json");
        var responseFile = Path.Combine(folder.FullName, "response.json");
        await File.WriteAllTextAsync(requestFile, JsonSerializer.Serialize(request));
        (await ExternalCommand.RunAsync("node", [script, requestFile, responseFile], TestAssets.TransformersJsDir, OracleTimeout)).EnsureSuccess();
        var response = JsonNode.Parse(await File.ReadAllTextAsync(responseFile), documentOptions: new JsonDocumentOptions { MaxDepth = 256 })!;
        return (response, folder);
    }

    private static async Task<string> ForgeFullLogitsVariantAsync()
    {
        // Idempotent: the forge skips a model whose recipe is unchanged, and serialises concurrent runs with a lock.
        var output = Path.Combine(TestPaths.RepoRoot, ".models", "inference-tests", "full-logits");
        var forge = Path.Combine(TestPaths.RepoRoot, "scripts", "forge-models.sh");
        (await ExternalCommand.RunAsync("bash", [forge, "--models", "qwen2.5", "--logits", "all", "--out", output], TestPaths.RepoRoot, SetupTimeout)).EnsureSuccess();
        return Path.Combine(output, "qwen2.5");
    }

    /// <summary>A copy of the tiny Qwen rewritten by Fixtures/<paramref name="script"/>, rebuilt when the original is newer.</summary>
    private static async Task<string> BuildQwenVariantAsync(string script, string name)
    {
        var target = Path.Combine(TestPaths.RepoRoot, ".models", "inference-tests", name);
        var source = TestAssets.TinyModel("qwen2.5");
        var model = Path.Combine(target, "onnx", "model.onnx");
        if (File.Exists(model) && File.GetLastWriteTimeUtc(model) >= File.GetLastWriteTimeUtc(Path.Combine(source, "onnx", "model.onnx")))
        {
            return target;
        }

        // Built beside the target and swapped in, so a concurrent test run never sees half a model.
        var building = target + $".{Environment.ProcessId}.tmp";
        var builder = Path.Combine(TestPaths.RepoRoot, "tests", "RagPlatform.Inference.Tests", "Fixtures", script);
        (await ExternalCommand.RunAsync("/usr/bin/python3", [builder, source, building], TestPaths.RepoRoot, SetupTimeout)).EnsureSuccess();
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.Move(building, target);
        return target;
    }
}

/// <summary>
/// One collection: the tests share the session factory and the models, and run one class at a time (the machine has two
/// cores, the cancellation tests count live cache tensors, and the leak test reads the process's resident memory).
/// </summary>
[CollectionDefinition(Name)]
public sealed class InferenceCollection : ICollectionFixture<InferenceEnvironment>
{
    public const string Name = "inference";
}
