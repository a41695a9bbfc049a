using System.Diagnostics;

namespace RagPlatform.Onnx.Tests;

/// <summary>
/// Installs what the tests need (the ORT library and the toy models, through the repository's idempotent
/// setup scripts) and shares one <see cref="OnnxRuntime"/> across the collection.
/// </summary>
public sealed class OnnxTestEnvironment : IAsyncLifetime
{
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromMinutes(8);
    private OnnxRuntime? _runtime;

    public string RepoRoot { get; } = FindRepoRoot();

    public string LibraryPath => Path.Combine(RepoRoot, ".native", "onnxruntime", "linux-x64", "libonnxruntime.so.1");

    public OnnxRuntime Runtime => _runtime ?? throw new InvalidOperationException("The environment is not initialized.");

    public string Model(string name) => Path.Combine(RepoRoot, ".models", "test", name + ".onnx");

    public InferenceSession Open(string model, InferenceSessionOptions? options = null) =>
        Runtime.OpenSession(Model(model), options ?? new InferenceSessionOptions { IntraOpThreads = 1 });

    public async Task InitializeAsync()
    {
        await RunSetupScriptAsync("onnxruntime.sh");
        await RunSetupScriptAsync("onnx-test-models.sh");
        _runtime = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = LibraryPath });
    }

    public Task DisposeAsync()
    {
        _runtime?.Dispose();
        return Task.CompletedTask;
    }

    private async Task RunSetupScriptAsync(string script)
    {
        var startInfo = new ProcessStartInfo("bash", [Path.Combine(RepoRoot, "scripts", "setup", script)])
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {script}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(SetupTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/setup/{script} failed with exit code {process.ExitCode}:{Environment.NewLine}{await stdout}{await stderr}");
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RagPlatform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No RagPlatform.sln above {AppContext.BaseDirectory}.");
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
