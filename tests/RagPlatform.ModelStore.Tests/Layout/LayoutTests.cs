using RagPlatform.Inference.Models;
using RagPlatform.ModelStore.Tests.Infrastructure;

namespace RagPlatform.ModelStore.Tests.Layout;

/// <summary>
/// <see cref="ModelLayout"/> against the forged tiny models (the layout the services load today) and against the
/// services' own loader, so the cheap check and the real one cannot drift apart unnoticed.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LayoutTests
{
    [Theory]
    [InlineData("minilm-embedder", ModelRole.Embedder)]
    [InlineData("minilm-reranker", ModelRole.Reranker)]
    [InlineData("qwen2.5", ModelRole.Generator)]
    public async Task Validate_ForgedTinyModel_IsValidForgedAndLoadsWithTheServicesLoader(string name, ModelRole role)
    {
        await TestAssets.EnsureTinyModelsAsync();
        var folder = TestAssets.TinyModel(name);

        var report = ModelLayout.Validate(folder, role);

        Assert.True(report.IsValid, string.Join(" ", report.Problems));
        Assert.True(report.Forged);
        Assert.Equal(role, ModelLayout.GuessRole(folder));
        Assert.Equal(ModelDirectory.Load(folder).OnnxPath, report.OnnxPath);
    }

    [Fact]
    public void Validate_EmptyFolder_NamesEveryMissingPiece()
    {
        using var folder = new TempDirectory();

        var report = ModelLayout.Validate(folder.Path, ModelRole.Embedder);

        Assert.False(report.IsValid);
        Assert.Contains(report.Problems, p => p.Contains("config.json", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Contains("onnx/model.onnx", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.Contains("tokenizer", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ExternalWeightsAnnouncedButMissing_IsAProblemTheLoaderAgreesWith()
    {
        using var folder = new TempDirectory();
        TestRepos.WriteTo(folder.Path, TestRepos.Encoder(onnxBytes: 16));
        File.WriteAllText(folder.Combine("config.json"),
            """{"architectures": ["BertModel"], "transformers.js_config": {"use_external_data_format": true}}""");

        var report = ModelLayout.Validate(folder.Path, ModelRole.Embedder);

        Assert.Contains(report.Problems, p => p.Contains("onnx/model.onnx_data", StringComparison.Ordinal));
        Assert.Throws<FileNotFoundException>(() => ModelDirectory.Load(folder.Path, requireTokenizer: false));
    }

    [Theory]
    [InlineData(ModelRole.Generator, "BertModel", "ForCausalLM")]
    [InlineData(ModelRole.Reranker, "BertModel", "ForSequenceClassification")]
    [InlineData(ModelRole.Embedder, "Qwen2ForCausalLM", "not an encoder")]
    public void Validate_ModelOfAnotherRole_SaysWhatTheServiceExpects(ModelRole role, string architecture, string expected)
    {
        using var folder = new TempDirectory();
        TestRepos.WriteTo(folder.Path, TestRepos.Encoder(onnxBytes: 16));
        File.WriteAllText(folder.Combine("config.json"), $$"""{"architectures": ["{{architecture}}"], "num_hidden_layers": 2}""");

        var report = ModelLayout.Validate(folder.Path, role);

        Assert.Contains(report.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scan_ModelsFolder_TellsPulledForgedAndIncompleteApart()
    {
        await TestAssets.EnsureTinyModelsAsync();
        await using var hub = await FakeModelHub.StartAsync();
        var files = TestRepos.Encoder();
        hub.AddRepository(TestRepos.Repository, TestRepos.Revision, files);
        using var models = new TempDirectory();
        using (var installer = new ModelInstaller(TestRepos.Options(hub)))
        {
            await installer.PullAsync(TestRepos.Spec(files, pin: true), models.Combine("pulled")).Bounded();
        }

        CopyDirectory(TestAssets.TinyModel("minilm-reranker"), models.Combine("forged"));
        TestRepos.WriteTo(models.Combine("interrupted"), new Dictionary<string, FakeHubFile> { ["config.json"] = files["config.json"] });
        File.WriteAllBytes(models.Combine("interrupted", "onnx.partial"), [1, 2, 3]);
        Directory.CreateDirectory(models.Combine("not-a-model"));

        var listed = ModelInventory.Scan(models.Path).ToDictionary(m => m.Name);

        Assert.Equal(["forged", "interrupted", "pulled"], listed.Keys.Order());
        Assert.Equal(("hub", TestRepos.Repository, TestRepos.Revision, false), (listed["pulled"].Source, listed["pulled"].Repository, listed["pulled"].Revision, listed["pulled"].Forged));
        Assert.Empty(listed["pulled"].Problems);
        Assert.Equal(("forged", ModelRole.Reranker, true), (listed["forged"].Source, listed["forged"].Role, listed["forged"].Forged));
        Assert.Equal("incomplete", listed["interrupted"].Source);
        Assert.NotEmpty(listed["interrupted"].Problems);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
