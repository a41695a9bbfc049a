namespace RagPlatform.Onnx.Tests;

[Trait("Category", "Unit")]
[Collection(OnnxCollection.Name)]
public sealed class SessionMetadataTests(OnnxTestEnvironment env)
{
    [Fact]
    public void Inputs_ReportNamesTypesAndSymbolicDimensions()
    {
        using var session = env.Open("matmul_float");

        var input = Assert.Single(session.Inputs);
        Assert.Equal("X", input.Name);
        Assert.Equal(OnnxValueType.Tensor, input.ValueType);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, -1L, 4L], input.Dimensions);
        Assert.Equal(["batch", "seq", ""], input.SymbolicDimensions);
        var output = Assert.Single(session.Outputs);
        Assert.Equal("Y", output.Name);
        Assert.Equal([-1L, -1L, 2L], output.Dimensions);
    }

    [Fact]
    public void Inputs_UnnamedDynamicDimension_IsMinusOneWithEmptySymbol()
    {
        using var session = env.Open("add_int64");

        Assert.Equal(["A", "B"], session.Inputs.Select(i => i.Name));
        Assert.Equal(["C", "D"], session.Outputs.Select(o => o.Name));
        Assert.All(session.Inputs, i => Assert.Equal(TensorElementType.Int64, i.ElementType));
        Assert.Equal([-1L], session.Inputs[0].Dimensions);
        Assert.Equal([""], session.Inputs[0].SymbolicDimensions);
    }

    [Theory]
    [InlineData("add_float16", TensorElementType.Float16)]
    [InlineData("int32_bool", TensorElementType.Int32)]
    [InlineData("long_loop", TensorElementType.Int64)]
    public void Inputs_ReportElementTypeOfFirstInput(string model, TensorElementType expected)
    {
        using var session = env.Open(model);

        Assert.Equal(expected, session.Inputs[0].ElementType);
    }

    [Fact]
    public void Inputs_ScalarInput_HasNoDimensions()
    {
        using var session = env.Open("long_loop");

        Assert.Empty(session.Inputs[0].Dimensions);
        Assert.Equal([64L, 64L], session.Inputs[1].Dimensions);
    }

    [Fact]
    public void Metadata_ReadsModelFieldsAndCustomMetadataProps()
    {
        using var session = env.Open("add_float");

        var metadata = session.Metadata;
        Assert.Equal("ragplatform-testmodels", metadata.ProducerName);
        Assert.Equal("add_float", metadata.GraphName);
        Assert.Equal("adds two float batches", metadata.GraphDescription);
        Assert.Equal("ai.ragplatform.test", metadata.Domain);
        Assert.Equal("toy Add model", metadata.Description);
        Assert.Equal(7, metadata.Version);
        Assert.Equal(2, metadata.CustomMetadata.Count);
        Assert.Equal("true", metadata.CustomMetadata["forged"]);
        Assert.Equal("unit-test", metadata.CustomMetadata["purpose"]);
    }

    [Fact]
    public void Metadata_ModelWithoutMetadataProps_HasEmptyMap()
    {
        using var session = env.Open("add_int64");

        Assert.Empty(session.Metadata.CustomMetadata);
        Assert.Equal("add_int64", session.Metadata.GraphName);
    }
}
