using System.Text.Json.Nodes;
using RagPlatform.Inference.Models;
using RagPlatform.ModelStore.NuGet;

namespace RagPlatform.ModelStore.Tests.NuGet;

/// <summary>
/// The real embedders scripts/setup/real-embedder.sh installs from their NuGet packages (.models/real): complete
/// installs of the catalog's pins, never reported as forged, and configs that agree with the shapes of the graphs.
/// </summary>
[Trait("Category", "Parity")]
public sealed class RealPackagesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData("minilm-embedder", PoolingMode.Mean, "")]
    [InlineData("arctic-embed-xs", PoolingMode.Cls, "Represent this sentence for searching relevant passages: ")]
    public async Task Installed_RealEmbedder_IsACompleteInstallOfThePinsAndNotForged(string name, PoolingMode pooling, string queryPrefix)
    {
        await TestAssets.EnsureRealEmbeddersAsync().WaitAsync(Timeout);
        var folder = TestAssets.RealModel(name);
        Assert.True(ModelCatalog.Default.TryGetPackaged(name, out var spec));
        var manifest = ModelManifest.TryRead(folder)!;

        Assert.True(await PackagedModelInstaller.DescribesAsync(manifest, spec, folder, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(("nuget", spec.Package.Sha512), (manifest.Source, manifest.PackageSha512));
        var layout = ModelLayout.Validate(folder, ModelRole.Embedder);
        Assert.True(layout.IsValid, string.Join(" ", layout.Problems));
        Assert.False(layout.Forged);
        var loaded = ModelDirectory.Load(folder);
        Assert.False(loaded.Config.Forged);
        Assert.Equal(pooling, loaded.Pooling);
        Assert.Equal((queryPrefix, ""), (loaded.Prefixes.Query, loaded.Prefixes.Passage));
    }

    [Fact]
    public async Task ForgedTinyEmbedder_ByTheSameChecks_IsForged()
    {
        await TestAssets.EnsureTinyModelsAsync().WaitAsync(Timeout);

        Assert.True(ModelLayout.Validate(TestAssets.TinyModel("minilm-embedder"), ModelRole.Embedder).Forged);
        Assert.True(ModelDirectory.Load(TestAssets.TinyModel("minilm-embedder")).Config.Forged);
    }

    /// <summary>
    /// config.json against the graph itself (python3-onnx reads its initializers): vocabulary, width, positions,
    /// token types, FFN width and layer count. For MiniLM it proves the shared config belongs to these weights; for
    /// Arctic, whose config the store writes, that what it writes is what the package holds.
    /// </summary>
    [Theory]
    [InlineData("minilm-embedder")]
    [InlineData("arctic-embed-xs")]
    public async Task Config_OfARealEmbedder_AgreesWithTheShapesOfItsGraph(string name)
    {
        await TestAssets.EnsureRealEmbeddersAsync().WaitAsync(Timeout);
        var folder = TestAssets.RealModel(name);
        const string script = """
            import json, re, sys, onnx
            model = onnx.load(sys.argv[1], load_external_data=False)
            shapes = {t.name: list(t.dims) for t in model.graph.initializer}
            layers = {int(m.group(1)) for n in shapes for m in [re.match(r"encoder\.layer\.(\d+)\.", n)] if m}
            print(json.dumps({
                "vocab_size": shapes["embeddings.word_embeddings.weight"][0],
                "hidden_size": shapes["embeddings.word_embeddings.weight"][1],
                "max_position_embeddings": shapes["embeddings.position_embeddings.weight"][0],
                "type_vocab_size": shapes["embeddings.token_type_embeddings.weight"][0],
                "intermediate_size": shapes["encoder.layer.0.intermediate.dense.bias"][0],
                "num_hidden_layers": max(layers) + 1,
            }))
            """;

        var result = (await ExternalCommand.RunAsync("/usr/bin/python3", ["-c", script, Path.Combine(folder, "onnx", "model.onnx")], folder, Timeout)).EnsureSuccess();

        var graph = JsonNode.Parse(result.StandardOutput)!.AsObject();
        var config = JsonNode.Parse(File.ReadAllBytes(Path.Combine(folder, "config.json")))!;
        foreach (var (key, value) in graph)
        {
            Assert.Equal((key, value!.GetValue<int>()), (key, config[key]!.GetValue<int>()));
        }
    }
}
