using RagPlatform.Cli.CommandLine;
using RagPlatform.Cli.Tests.Infrastructure;
using RagPlatform.OnnxGraph.Quantization;
using RagPlatform.Testing;

namespace RagPlatform.Cli.Tests.Commands;

/// <summary>`rag models quantize` and `rag models optimize` through the command line (the transforms' own tests are in RagPlatform.OnnxGraph.Tests).</summary>
[Trait("Category", "Unit")]
public sealed class ModelsGraphCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void Quantize_Options_Bind()
    {
        var cli = new TestCli(currentDirectory: "/work");

        var options = cli.ModelsQuantize.Bind(cli.Parse("models", "quantize", "models/embedder", "--out", "/tmp/e8", "--granularity", "per-tensor", "--force"));

        Assert.Equal("/work/models/embedder", options.Model);
        Assert.Equal("/tmp/e8", options.Out);
        Assert.Equal(WeightGranularity.PerTensor, options.Granularity);
        Assert.True(options.Force);
        Assert.Equal(WeightGranularity.PerChannel, cli.ModelsQuantize.Bind(cli.Parse("models", "quantize", "m")).Granularity);
    }

    [Fact]
    public async Task Quantize_ForgedEmbedder_WritesTheInt8CopyBesideItAndWarnsItIsForged()
    {
        await TestAssets.EnsureTinyModelsAsync().WaitAsync(Timeout);
        using var temp = new TemporaryDirectory();
        var source = Path.Combine(temp.Path, "minilm-embedder");
        foreach (var file in Directory.EnumerateFiles(TestAssets.TinyModel("minilm-embedder"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(source, Path.GetRelativePath(TestAssets.TinyModel("minilm-embedder"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var cli = new TestCli(currentDirectory: temp.Path);

        var exit = await cli.RunAsync("models", "quantize", "minilm-embedder").WaitAsync(Timeout);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.True(File.Exists(Path.Combine(temp.Path, "minilm-embedder-int8", "onnx", "model_quantized.onnx")));
        Assert.Contains("quantised to int8", cli.Out);
        Assert.Contains("forged", cli.Error);
    }

    [Fact]
    public async Task Quantize_MissingDirectory_FailsNamingIt()
    {
        using var temp = new TemporaryDirectory();
        var cli = new TestCli(currentDirectory: temp.Path);

        var exit = await cli.RunAsync("models", "quantize", "nowhere").WaitAsync(Timeout);

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("nowhere", cli.Error);
        Assert.Contains("does not exist", cli.Error);
    }

    [Fact]
    public async Task Optimize_DecoderThatAlreadyReturnsTheLastPosition_FailsSayingSo()
    {
        await TestAssets.EnsureTinyModelsAsync().WaitAsync(Timeout);
        using var temp = new TemporaryDirectory();
        var cli = new TestCli(currentDirectory: temp.Path);

        var exit = await cli.RunAsync("models", "optimize", TestAssets.TinyModel("qwen2.5"), "--out", Path.Combine(temp.Path, "q")).WaitAsync(Timeout);

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("last position only", cli.Error);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "q")));
    }
}
