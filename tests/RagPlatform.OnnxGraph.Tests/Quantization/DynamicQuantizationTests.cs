using System.Text.Json.Nodes;
using RagPlatform.ModelStore;
using RagPlatform.OnnxGraph.Model;
using RagPlatform.OnnxGraph.Quantization;
using RagPlatform.OnnxGraph.Tests.Infrastructure;

namespace RagPlatform.OnnxGraph.Tests.Quantization;

[Trait("Category", "Parity")]
[Collection(GraphCollection.Name)]
public sealed class DynamicQuantizationTests(GraphTestEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static TheoryData<string, string, double> Embedders => new()
    {
        // Per-channel int8 weights are within 1/254 of each column's largest weight, uint8 activations within 1/255 of
        // each tensor's range; over 2 (tiny) or 6 layers these errors are small, uncorrelated perturbations of a
        // 32- or 384-wide vector, and mean pooling averages them further: measured cosines are 0.9999+ (tiny and
        // real-size forged; real MiniLM in bench/quantization.sh). 0.999 leaves a tenfold margin for other CPUs'
        // kernels, while a wrong scale, zero point or dropped bias lands far below it.
        { "tiny", "minilm-embedder", 0.999 },
        { "real", "minilm-embedder", 0.999 },
    };

    [Theory]
    [MemberData(nameof(Embedders))]
    public async Task Quantize_ForgedEmbedder_MeanPooledEmbeddingsStayCloseToFloat32(string size, string name, double bound)
    {
        _ = env;
        using var scratch = GraphTestEnvironment.Scratch();
        var source = Path.Combine(size == "tiny" ? TestAssets.TinyModels : GraphTestEnvironment.RealSize, name);

        var result = ModelTransforms.Quantize(source, scratch.Combine(name + "-int8"), new QuantizationOptions(), force: false, CancellationToken.None);

        var inputs = Ort.EncoderInputs([12, 40, 7, 64, 25, 3], seed: 17);
        float[][] Embed(string path)
        {
            using var session = Ort.Open(path);
            var (hidden, shape) = Ort.RunEncoder(session, inputs);
            return Ort.MeanPooled(hidden, shape, inputs.Mask);
        }

        var float32 = Embed(Path.Combine(source, "onnx", "model.onnx"));
        var int8 = Embed(result.OnnxPath);
        var cosines = float32.Zip(int8, Ort.Cosine).ToArray();
        Assert.All(cosines, c => Assert.True(c >= bound, $"cosine(fp32, int8) = {c:F5} < {bound} ({string.Join(", ", cosines.Select(x => x.ToString("F5")))})"));
        TestReport.Write("onnxgraph", $"int8 {size} {name}: min cosine to fp32 {cosines.Min():F5}, mean {cosines.Average():F5}");
        await Python.CheckModelAsync(result.OnnxPath).WaitAsync(Timeout);
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("real")]
    public void Quantize_ForgedCrossEncoder_ScoresStayCloseAndTheClassifierStaysFloat32(string size)
    {
        using var scratch = GraphTestEnvironment.Scratch();
        var source = Path.Combine(size == "tiny" ? TestAssets.TinyModels : GraphTestEnvironment.RealSize, "minilm-reranker");

        var result = ModelTransforms.Quantize(source, scratch.Combine("reranker-int8"), new QuantizationOptions(), force: false, CancellationToken.None);

        var inputs = Ort.EncoderInputs([30, 18, 64, 9, 41, 27, 55, 12], seed: 23);
        float[] Score(string path)
        {
            using var session = Ort.Open(path);
            return Ort.RunEncoder(session, inputs).Values;
        }

        var float32 = Score(Path.Combine(source, "onnx", "model.onnx"));
        var int8 = Score(result.OnnxPath);
        var rms = Math.Sqrt(float32.Average(x => (double)x * x));
        var worst = float32.Zip(int8, (a, b) => Math.Abs(a - b)).Max();
        TestReport.Write("onnxgraph", $"int8 {size} minilm-reranker: max |dscore| {worst:E2}, score rms {rms:E2}, scores {string.Join(" ", float32.Select(x => x.ToString("F4")))}");
        // One score carries the int8 error of every layer plus the pooler's and tanh's, with no pooling to average it:
        // measured 6% (tiny, initializer_range 0.2) and 4% (real-size forged) of the scores' size. A wrong scale, zero
        // point or bias moves scores by 100% or more.
        Assert.True(worst <= 0.1 * rms, $"max |fp32 - int8| {worst:E2} against scores of rms {rms:E2}");
        var graph = OnnxFile.Load(result.OnnxPath).Graph;
        Assert.Contains(graph.Node, n => n.OpType == "MatMul" && n.Input[1] == "classifier.weight");
    }

    [Fact]
    public async Task Quantize_EncoderWithExternalData_ReadsItsWeightsAndWritesOneFile()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        var source = TestAssets.TinyModel("minilm-embedder");
        await Python.FixtureAsync("external_data_copy.py", source, scratch.Combine("external")).WaitAsync(Timeout);

        var result = ModelTransforms.Quantize(scratch.Combine("external"), null, new QuantizationOptions(), force: false, CancellationToken.None);

        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(result.OnnxPath)!, "*_data"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(result.Directory, "config.json")))!;
        Assert.Null(config["transformers.js_config"]!["use_external_data_format"]);
        var inputs = Ort.EncoderInputs([9, 20], seed: 3);
        float[][] Embed(string path)
        {
            using var session = Ort.Open(path);
            var (hidden, shape) = Ort.RunEncoder(session, inputs);
            return Ort.MeanPooled(hidden, shape, inputs.Mask);
        }

        var cosines = Embed(Path.Combine(source, "onnx", "model.onnx")).Zip(Embed(result.OnnxPath), Ort.Cosine);
        Assert.All(cosines, c => Assert.True(c >= 0.999, $"cosine {c:F5}"));
    }

    [Fact]
    public void Quantize_TwiceFromTheSameSource_SameBytesAndTheRerunIsUpToDate()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        var source = TestAssets.TinyModel("minilm-embedder");

        var first = ModelTransforms.Quantize(source, scratch.Combine("a"), new QuantizationOptions(), force: false, CancellationToken.None);
        var again = ModelTransforms.Quantize(source, scratch.Combine("a"), new QuantizationOptions(), force: false, CancellationToken.None);
        var forced = ModelTransforms.Quantize(source, scratch.Combine("b"), new QuantizationOptions(), force: true, CancellationToken.None);

        Assert.False(first.UpToDate);
        Assert.True(again.UpToDate);
        Assert.Equal(File.ReadAllBytes(first.OnnxPath), File.ReadAllBytes(forced.OnnxPath));
        Assert.Equal(File.ReadAllText(Path.Combine(first.Directory, "config.json")), File.ReadAllText(Path.Combine(forced.Directory, "config.json")));
    }

    [Fact]
    public void Quantize_ForgedModel_OutputStaysMarkedForgedAndSelectsTheInt8File()
    {
        using var scratch = GraphTestEnvironment.Scratch();

        var result = ModelTransforms.Quantize(TestAssets.TinyModel("minilm-embedder"), scratch.Combine("int8"), new QuantizationOptions(), force: false, CancellationToken.None);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(result.Directory, "config.json")))!;
        Assert.True(result.Forged);
        Assert.True(config["rag_forged"]!.GetValue<bool>());
        Assert.Equal("q8", config["transformers.js_config"]!["dtype"]!.GetValue<string>());
        Assert.Equal("true", OnnxFile.Load(result.OnnxPath).MetadataProps.Single(p => p.Key == "forged").Value);
        Assert.EndsWith(Path.Combine("onnx", "model_quantized.onnx"), result.OnnxPath);
        Assert.False(File.Exists(Path.Combine(result.Directory, "onnx", "model.onnx")));
        var layout = ModelLayout.Validate(result.Directory, ModelRole.Embedder);
        Assert.True(layout.IsValid, string.Join("; ", layout.Problems));
        Assert.Equal(result.OnnxPath, layout.OnnxPath);
        Assert.True(layout.Forged);
    }

    [Fact]
    public void Quantize_AnInt8Model_RefusedAsQuantisedAlready()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        var int8 = ModelTransforms.Quantize(TestAssets.TinyModel("minilm-embedder"), scratch.Combine("int8"), new QuantizationOptions(), force: false, CancellationToken.None);

        var error = Assert.Throws<OnnxGraphException>(() =>
            ModelTransforms.Quantize(int8.Directory, scratch.Combine("int8-again"), new QuantizationOptions(), force: false, CancellationToken.None));

        Assert.Contains("quantised already", error.Message);
        Assert.False(Directory.Exists(scratch.Combine("int8-again")));
    }

    [Fact]
    public void Quantize_GraphWithoutConstantWeights_RefusedSayingWhy()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        var model = Directory.CreateDirectory(scratch.Combine("add", "onnx")).Parent!.FullName;
        File.WriteAllText(Path.Combine(model, "config.json"), """{"architectures": ["BertModel"]}""");
        var graph = new RagPlatform.OnnxGraph.Protobuf.GraphProto { Name = "add" };
        graph.Node.Add(NodeAttributes.Node("MatMul", "two_inputs", ["a", "b"], ["c"]));
        var proto = new RagPlatform.OnnxGraph.Protobuf.ModelProto { IrVersion = 8, Graph = graph };
        proto.OpsetImport.Add(new RagPlatform.OnnxGraph.Protobuf.OperatorSetIdProto { Domain = "", Version = 17 });
        OnnxFile.Save(proto, Path.Combine(model, "onnx", "model.onnx"));

        var error = Assert.Throws<OnnxGraphException>(() => ModelTransforms.Quantize(model, null, new QuantizationOptions(), force: false, CancellationToken.None));

        Assert.Contains("Nothing to quantise", error.Message);
    }

    [Fact]
    public void Quantize_OldOpset_RefusedNamingTheOpsetNeeded()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        var copy = scratch.Combine("old");
        CopyDirectory(TestAssets.TinyModel("minilm-embedder"), copy);
        var path = Path.Combine(copy, "onnx", "model.onnx");
        var proto = OnnxFile.Load(path);
        proto.OpsetImport[0].Version = 10;
        File.Delete(path);
        OnnxFile.Save(proto, path);

        var error = Assert.Throws<OnnxGraphException>(() => ModelTransforms.Quantize(copy, null, new QuantizationOptions(), force: false, CancellationToken.None));

        Assert.Contains("opset 10", error.Message);
        Assert.Contains("11 or later", error.Message);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
