using System.Text.Json;
using RagPlatform.OnnxGraph.Tests.Infrastructure;

namespace RagPlatform.OnnxGraph.Tests.Directories;

/// <summary>The one rule (services/Shared/OnnxFileNames.cs) by which the services, the model store and the graph tools pick a directory's ONNX file.</summary>
[Trait("Category", "Unit")]
public sealed class OnnxFileNamesTests
{
    [Fact]
    public void Find_Q8ConfigWithBothFiles_TakesTheQuantizedOne()
    {
        using var scratch = Layout("onnx/model.onnx", "onnx/model_quantized.onnx");

        Assert.Equal(scratch.Combine("onnx", "model_quantized.onnx"), OnnxFileNames.Find(scratch.Path, Dtype("""{"transformers.js_config": {"dtype": "q8"}}""")));
    }

    [Fact]
    public void Find_HubConfigNamingABrowserDtypeNotInstalled_FallsBackToModelOnnx()
    {
        // onnx-community's Qwen2.5 config says q4f16; a pull installs onnx/model.onnx only.
        using var scratch = Layout("onnx/model.onnx");

        Assert.Equal(scratch.Combine("onnx", "model.onnx"), OnnxFileNames.Find(scratch.Path, Dtype("""{"transformers.js_config": {"dtype": "q4f16"}}""")));
    }

    [Theory]
    [InlineData("""{}""", "model.onnx")]
    [InlineData("""{"transformers.js_config": {"dtype": {"model": "q8"}}}""", "model_quantized.onnx")]
    [InlineData("""{"transformers.js_config": {"dtype": "no-such-dtype"}}""", "model.onnx")]
    public void Find_RootLevelFiles_FoundBesideConfig(string config, string expected)
    {
        using var scratch = Layout("model.onnx", "model_quantized.onnx");

        Assert.Equal(scratch.Combine(expected), OnnxFileNames.Find(scratch.Path, Dtype(config)));
    }

    [Fact]
    public void Find_NoOnnxFile_NullAndTheDescriptionNamesWhatWasLookedFor()
    {
        using var scratch = Layout();

        Assert.Null(OnnxFileNames.Find(scratch.Path, "q8"));
        Assert.Equal("onnx/model_quantized.onnx or onnx/model.onnx", OnnxFileNames.Describe("q8"));
    }

    private static string? Dtype(string json)
    {
        using var document = JsonDocument.Parse(json);
        return OnnxFileNames.DtypeOf(document.RootElement);
    }

    private static TempFolder Layout(params string[] files)
    {
        var scratch = GraphTestEnvironment.Scratch();
        foreach (var file in files)
        {
            var path = scratch.Combine(file.Split('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "graph");
        }

        return scratch;
    }
}
