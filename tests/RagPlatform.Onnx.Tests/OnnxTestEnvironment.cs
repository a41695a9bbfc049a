namespace RagPlatform.Onnx.Tests;

/// <summary>
/// Installs what the tests need (the ORT library and the toy models, through the repository's idempotent
/// setup scripts) and shares one <see cref="OnnxRuntime"/> across the collection.
/// </summary>
public sealed class OnnxTestEnvironment : IAsyncLifetime
{
    private OnnxRuntime? _runtime;

    public string LibraryPath => TestAssets.OnnxRuntimeLibrary;

    public OnnxRuntime Runtime => _runtime ?? throw new InvalidOperationException("The environment is not initialized.");

    public string Model(string name) => Path.Combine(TestPaths.RepoRoot, ".models", "test", name + ".onnx");

    public InferenceSession Open(string model, InferenceSessionOptions? options = null) =>
        Runtime.OpenSession(Model(model), options ?? new InferenceSessionOptions { IntraOpThreads = 1 });

    public async Task InitializeAsync()
    {
        await TestAssets.RunSetupAsync("onnxruntime.sh");
        await TestAssets.RunSetupAsync("onnx-test-models.sh");
        _runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = LibraryPath });
    }

    public Task DisposeAsync()
    {
        _runtime?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Every test class shares the environment and runs sequentially: the leak test reads process RSS,
/// which concurrent tests would disturb, and the machine has few cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OnnxCollection : ICollectionFixture<OnnxTestEnvironment>
{
    public const string Name = "onnx";
}
