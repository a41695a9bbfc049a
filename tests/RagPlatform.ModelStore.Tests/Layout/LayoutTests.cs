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
}
