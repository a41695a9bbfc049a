using Google.Protobuf;
using RagPlatform.OnnxGraph.Model;
using RagPlatform.OnnxGraph.Protobuf;
using RagPlatform.OnnxGraph.Quantization;
using RagPlatform.OnnxGraph.Tests.Infrastructure;

namespace RagPlatform.OnnxGraph.Tests.Protobuf;

/// <summary>Our .proto declares only what the tools use; everything else in a model must come back out unchanged.</summary>
[Trait("Category", "Unit")]
public sealed class RoundTripTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void ParseAndWrite_UnknownFieldInANestedNode_KeptByteForByte()
    {
        var node = new NodeProto { OpType = "Relu", Name = "r" };
        node.Input.Add("x");
        node.Output.Add("y");
        using var bytes = new MemoryStream();
        node.WriteTo(bytes);
        using (var extra = new CodedOutputStream(bytes, leaveOpen: true))
        {
            extra.WriteTag(1000, WireFormat.WireType.LengthDelimited);
            extra.WriteString("a field from a future ONNX");
        }

        var graph = new GraphProto { Name = "g" };
        graph.Node.Add(NodeProto.Parser.ParseFrom(bytes.ToArray()));
        var model = new ModelProto { IrVersion = 8, Graph = graph };

        var written = model.ToByteArray();
        var reread = ModelProto.Parser.ParseFrom(written);

        Assert.Equal(bytes.ToArray(), reread.Graph.Node[0].ToByteArray());
        Assert.Equal(written, reread.ToByteArray());
    }

    [Fact]
    public async Task LoadAndSave_ModelWithFunctionsSparseTensorsAndTrainingInfo_PythonOnnxSeesThemUnchanged()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        await Python.FixtureAsync("unknown_fields_model.py", "write", scratch.Combine("source")).WaitAsync(Timeout);
        var original = scratch.Combine("source", "onnx", "model.onnx");

        OnnxFile.Save(OnnxFile.Load(original), scratch.Combine("copy.onnx"));
        OnnxFile.Save(OnnxFile.Load(scratch.Combine("copy.onnx")), scratch.Combine("copy2.onnx"));

        var compared = await Python.FixtureAsync("unknown_fields_model.py", "compare", original, scratch.Combine("copy.onnx")).WaitAsync(Timeout);
        Assert.Equal("ok", compared.StandardOutput.Trim());
        Assert.Equal(await File.ReadAllBytesAsync(scratch.Combine("copy.onnx")), await File.ReadAllBytesAsync(scratch.Combine("copy2.onnx")));
    }

    [Fact]
    public async Task Quantize_ModelWithFieldsOurProtoOmits_KeepsThemAndPassesTheChecker()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        await Python.FixtureAsync("unknown_fields_model.py", "write", scratch.Combine("source")).WaitAsync(Timeout);

        var result = ModelTransforms.Quantize(scratch.Combine("source"), scratch.Combine("int8"), new QuantizationOptions(), force: false, CancellationToken.None);

        var compared = await Python.FixtureAsync("unknown_fields_model.py", "compare", scratch.Combine("source", "onnx", "model.onnx"), result.OnnxPath).WaitAsync(Timeout);
        Assert.Equal("ok", compared.StandardOutput.Trim());
        await Python.CheckModelAsync(result.OnnxPath).WaitAsync(Timeout);
        Assert.Contains(OnnxFile.Load(result.OnnxPath).Graph.Node, n => n.OpType == "MatMulInteger");
    }

    [Fact]
    public void Load_NotAnOnnxFile_SaysSo()
    {
        using var scratch = GraphTestEnvironment.Scratch();
        var path = scratch.Combine("model.onnx");
        File.WriteAllText(path, "this is a text file, not a protobuf message");

        var error = Assert.Throws<OnnxGraphException>(() => OnnxFile.Load(path));

        Assert.Contains("is not an ONNX model", error.Message);
    }
}
