using System.Text.Json.Nodes;
using RagPlatform.OnnxGraph.Model;
using RagPlatform.OnnxGraph.Protobuf;
using RagPlatform.OnnxGraph.Tests.Infrastructure;

namespace RagPlatform.OnnxGraph.Tests.Rewrite;

[Trait("Category", "Parity")]
[Collection(GraphCollection.Name)]
public sealed class LastPositionLogitsTests(GraphTestEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static readonly long[] Prompt = [9707, 11, 1879, 0, 151643, 42, 7, 1000, 2024, 13, 88, 3];

    private static string OptimumStyle => Path.Combine(GraphTestEnvironment.FullLogits, "qwen2.5");

    [Fact]
    public async Task OptimizePrefill_OptimumStyleDecoder_LastRowOfLogitsUnchangedInPrefillAndCachedSteps()
    {
        _ = env;
        using var scratch = GraphTestEnvironment.Scratch();

        var result = ModelTransforms.OptimizePrefill(OptimumStyle, scratch.Combine("qwen2.5-optimized"), force: false, CancellationToken.None);

        using var full = Ort.Open(Path.Combine(OptimumStyle, "onnx", "model.onnx"));
        using var last = Ort.Open(result.OnnxPath);
        using var before = new OrtDecoder(full);
        using var after = new OrtDecoder(last);
        var prefill = (Before: before.Feed(Prompt), After: after.Feed(Prompt));
        Assert.Equal([1, Prompt.Length, 151936], prefill.Before.Shape);
        Assert.Equal([1, 1, 151936], prefill.After.Shape);
        AssertClose(OrtDecoder.LastRow(prefill.Before), prefill.After.Logits);
        foreach (var token in new long[] { 17, 4242, 99 })
        {
            AssertClose(OrtDecoder.LastRow(before.Feed(token)), after.Feed(token).Logits);
        }

        await Python.CheckModelAsync(result.OnnxPath).WaitAsync(Timeout);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(result.Directory, "config.json")))!;
        Assert.True(config["rag_forged"]!.GetValue<bool>());
        Assert.Equal("qwen2.5", config["rag_derived"]!["from"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(result.Directory, "tokenizer.json")));
        Assert.False(File.Exists(Path.Combine(result.Directory, "forge.json")));
    }

    [Fact]
    public async Task OptimizePrefill_ExternalDataDecoder_LinksTheWeightsInsteadOfCopying()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        await Python.FixtureAsync("external_data_copy.py", OptimumStyle, scratch.Combine("external")).WaitAsync(Timeout);

        var result = ModelTransforms.OptimizePrefill(scratch.Combine("external"), null, force: false, CancellationToken.None);

        Assert.Equal(scratch.Combine("external-optimized"), result.Directory);
        var data = Path.Combine(result.Directory, "onnx", "model.onnx_data");
        var stat = await ExternalCommand.RunAsync("stat", ["-c", "%i %h", data, scratch.Combine("external", "onnx", "model.onnx_data")], scratch.Path, Timeout);
        var lines = stat.EnsureSuccess().StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines[0], lines[1]);  // same inode, two links
        Assert.EndsWith(" 2", lines[0]);
        Assert.True(new FileInfo(result.OnnxPath).Length < 100_000, "the rewritten graph should hold no weights");

        using var full = Ort.Open(Path.Combine(OptimumStyle, "onnx", "model.onnx"));
        using var last = Ort.Open(result.OnnxPath);
        using var before = new OrtDecoder(full);
        using var after = new OrtDecoder(last);
        AssertClose(OrtDecoder.LastRow(before.Feed(Prompt)), after.Feed(Prompt).Logits);
    }

    [Fact]
    public void OptimizePrefill_TwiceFromTheSameSource_SameBytesAndTheRerunIsUpToDate()
    {
        using var scratch = GraphTestEnvironment.Scratch();

        var first = ModelTransforms.OptimizePrefill(OptimumStyle, scratch.Combine("a"), force: false, CancellationToken.None);
        var again = ModelTransforms.OptimizePrefill(OptimumStyle, scratch.Combine("a"), force: false, CancellationToken.None);
        var forced = ModelTransforms.OptimizePrefill(OptimumStyle, scratch.Combine("b"), force: true, CancellationToken.None);

        Assert.True(again.UpToDate);
        Assert.Equal(File.ReadAllBytes(first.OnnxPath), File.ReadAllBytes(forced.OnnxPath));
    }

    [Fact]
    public void OptimizePrefill_DecoderThatAlreadyReturnsTheLastPosition_RefusedAsNothingToDo()
    {
        using var scratch = GraphTestEnvironment.Scratch();

        var error = Assert.Throws<OnnxGraphException>(() =>
            ModelTransforms.OptimizePrefill(TestAssets.TinyModel("qwen2.5"), scratch.Combine("out"), force: false, CancellationToken.None));

        Assert.Contains("already computes logits for the last position only", error.Message);
    }

    [Theory]
    [InlineData("minilm-embedder", "has no 'logits' output")]
    [InlineData("minilm-reranker", "has 2 dimensions")]
    public void OptimizePrefill_NotADecoder_RefusedSayingWhy(string model, string expected)
    {
        using var scratch = GraphTestEnvironment.Scratch();

        var error = Assert.Throws<OnnxGraphException>(() =>
            ModelTransforms.OptimizePrefill(TestAssets.TinyModel(model), scratch.Combine("out"), force: false, CancellationToken.None));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void OptimizePrefill_HeadFollowedByANodeThatMixesPositions_RefusedNamingIt()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        var copy = scratch.Combine("mixed");
        foreach (var file in Directory.EnumerateFiles(OptimumStyle, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(OptimumStyle, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        // logits = CumSum over the sequence of the head's output: each position's logits now depend on earlier ones.
        var path = Path.Combine(copy, "onnx", "model.onnx");
        var model = OnnxFile.Load(path);
        var head = model.Graph.Node.Single(n => n.Output.Contains("logits"));
        head.Output[0] = "head_logits";
        model.Graph.Initializer.Add(TensorData.Create<long>("sequence_axis", DataType.Int64, [], [1L]));
        model.Graph.Node.Add(NodeAttributes.Node("CumSum", "mix_positions", ["head_logits", "sequence_axis"], ["logits"]));
        File.Delete(path);
        OnnxFile.Save(model, path);

        var error = Assert.Throws<OnnxGraphException>(() => ModelTransforms.OptimizePrefill(copy, null, force: false, CancellationToken.None));

        Assert.Contains("'mix_positions' (CumSum)", error.Message);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= 1e-4, $"max |full-head last row - last-position head| = {worst:E2}");
    }
}
