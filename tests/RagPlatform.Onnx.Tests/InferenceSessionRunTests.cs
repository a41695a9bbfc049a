namespace RagPlatform.Onnx.Tests;

[Trait("Category", "Unit")]
[Collection(OnnxCollection.Name)]
public sealed class InferenceSessionRunTests(OnnxTestEnvironment env)
{
    private OnnxRuntime Runtime => env.Runtime;

    [Fact]
    public void Run_FloatAdd_ReturnsExactSumsAndShapes()
    {
        using var session = env.Open("add_float");
        using var x = Runtime.CreateTensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var y = Runtime.CreateTensor(new float[] { 10, 20, 30, 40, 50, 60 }, 2, 3);

        using var outputs = session.Run([new("X", x), new("Y", y)]);

        Assert.Equal(["Z", "RowSum"], outputs.Names);
        Assert.Equal(TensorElementType.Float, outputs["Z"].ElementType);
        Assert.Equal([2L, 3L], outputs["Z"].Shape.ToArray());
        Assert.Equal([11f, 22, 33, 44, 55, 66], outputs["Z"].ToArray<float>());
        Assert.Equal([2L, 1L], outputs["RowSum"].Shape.ToArray());
        Assert.Equal([66f, 165f], outputs["RowSum"].ToArray<float>());
    }

    [Fact]
    public void Run_RequestedOutputsOnly_ReturnsThemInRequestedOrder()
    {
        using var session = env.Open("add_float");
        using var x = Runtime.CreateTensor(new float[] { 1, 2, 3 }, 1, 3);
        using var y = Runtime.CreateTensor(new float[] { 1, 1, 1 }, 1, 3);

        using var outputs = session.Run([new("X", x), new("Y", y)], ["RowSum"]);

        Assert.Equal(["RowSum"], outputs.Names);
        Assert.Equal([9f], outputs[0].ToArray<float>());
    }

    [Fact]
    public void Run_Int64_KeepsValuesBeyond32Bits()
    {
        using var session = env.Open("add_int64");
        using var a = Runtime.CreateTensor(new long[] { 1, -2, 3_000_000_000 }, 3);
        using var b = Runtime.CreateTensor(new long[] { 4, 5, 6 }, 3);

        using var outputs = session.Run([new("A", a), new("B", b)]);

        Assert.Equal(TensorElementType.Int64, outputs["C"].ElementType);
        Assert.Equal([5L, 3, 3_000_000_006], outputs["C"].ToArray<long>());
        Assert.Equal([4L, -10, 18_000_000_000], outputs["D"].ToArray<long>());
    }

    [Fact]
    public void Run_Float16_ComputesInHalfPrecision()
    {
        using var session = env.Open("add_float16");
        using var a = Runtime.CreateTensor(new[] { (Half)1, (Half)2.5f, (Half)(-3) }, 3);
        using var b = Runtime.CreateTensor(new[] { (Half)0.5f, (Half)0.5f, (Half)1 }, 3);

        using var outputs = session.Run([new("A", a), new("B", b)]);

        Assert.Equal(TensorElementType.Float16, outputs["H"].ElementType);
        Assert.Equal([(Half)3, (Half)6, (Half)(-4)], outputs["H"].ToArray<Half>());
    }

    [Fact]
    public void Run_Int32AndBool_RoundTrip()
    {
        using var session = env.Open("int32_bool");
        using var i = Runtime.CreateTensor(new[] { 1, -7, 100 }, 3);
        using var m = Runtime.CreateTensor(new[] { true, false, true, true }, 4);

        using var outputs = session.Run([new("I", i), new("M", m)]);

        Assert.Equal([2, -14, 200], outputs["Doubled"].ToArray<int>());
        Assert.Equal([false, true, false, false], outputs["Negated"].ToArray<bool>());
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(5, 17)]
    public void Run_DynamicBatchAndSequence_FollowsInputShape(int batch, int sequence)
    {
        using var session = env.Open("matmul_float");
        var input = Enumerable.Range(0, batch * sequence * 4).Select(v => (float)(v % 11) - 5).ToArray();
        using var x = Runtime.CreateTensor(input, batch, sequence, 4);

        using var outputs = session.Run([new("X", x)]);

        Assert.Equal([batch, sequence, 2L], outputs["Y"].Shape.ToArray());
        var expected = new float[batch * sequence * 2];
        for (var row = 0; row < batch * sequence; row++)
        {
            var r = input.AsSpan(row * 4, 4);
            expected[row * 2] = r[0] + r[2] + (2 * r[3]) + 10;
            expected[(row * 2) + 1] = r[1] + r[2] - r[3] + 20;
        }

        Assert.Equal(expected, outputs["Y"].ToArray<float>());
    }

    [Fact]
    public void Run_OutputFedBackAsInput_UsesTheSameNativeValue()
    {
        using var session = env.Open("kv_step");
        using var emptyPast = Runtime.AllocateTensor<float>(1, 0, 2);
        using var x1 = Runtime.CreateTensor(new float[] { 1, 2 }, 1, 1, 2);
        using var x2 = Runtime.CreateTensor(new float[] { 3, 4 }, 1, 1, 2);

        OrtTensor present1;
        using (var step1 = session.Run([new("past", emptyPast), new("x", x1)]))
        {
            Assert.Equal([3f], step1["total"].ToArray<float>());
            present1 = step1.Take("present");
        }

        using (present1)
        {
            // Writing through the output's span must change what the next Run sees: it reads this
            // very OrtValue, not a copy made when the output was produced.
            present1.GetMutableData<float>()[0] = 100;
            using var step2 = session.Run([new("past", present1), new("x", x2)]);

            Assert.Equal([1L, 2L, 2L], step2["present"].Shape.ToArray());
            Assert.Equal([100f, 2, 3, 4], step2["present"].ToArray<float>());
            Assert.Equal([109f], step2["total"].ToArray<float>());
        }
    }

    [Fact]
    public void CreateTensor_OverCallerArray_SharesMemoryWithoutCopy()
    {
        var data = new float[] { 1, 2, 3 };
        using var tensor = Runtime.CreateTensor(data, 3);

        data[1] = 42;

        Assert.Equal([1f, 42, 3], tensor.ToArray<float>());
    }

    [Fact]
    public void CreateTensor_FromMemoryOwner_UsesPrefixAndDisposesOwnerWithTensor()
    {
        var owner = new RecordingOwner(new long[] { 5, 6, 7, 99 });
        using var session = env.Open("add_int64");

        using (var a = Runtime.CreateTensor(owner, [3]))
        {
            using var outputs = session.Run([new("A", a), new("B", a)]);
            Assert.Equal([10L, 12, 14], outputs["C"].ToArray<long>());
            Assert.False(owner.Disposed);
        }

        Assert.True(owner.Disposed);
    }

    [Fact]
    public void CreateTensor_ShapeDisagreesWithBuffer_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Runtime.CreateTensor(new float[5], 2, 3));

        Assert.Contains("6 elements", error.Message);
    }

    [Fact]
    public void GetData_WrongElementType_Throws()
    {
        using var tensor = Runtime.CreateTensor(new long[] { 1 }, 1);

        var error = Assert.Throws<InvalidOperationException>(() => tensor.GetData<float>().ToArray());

        Assert.Contains("Int64", error.Message);
    }

    [Fact]
    public void GetData_AfterDispose_Throws()
    {
        var tensor = Runtime.CreateTensor(new float[] { 1 }, 1);
        tensor.Dispose();

        Assert.Throws<ObjectDisposedException>(() => tensor.GetData<float>().ToArray());
    }

    [Fact]
    public void Run_UnknownInputName_ThrowsOrtError()
    {
        using var session = env.Open("add_float");
        using var x = Runtime.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new("X", x), new("NotAnInput", x)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("NotAnInput", error.Message);
    }

    [Fact]
    public void Run_WrongElementType_ThrowsOrtError()
    {
        using var session = env.Open("add_float");
        using var x = Runtime.CreateTensor(new long[3], 1, 3);
        using var y = Runtime.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new("X", x), new("Y", y)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("tensor(int64)", error.Message);
        Assert.Contains("tensor(float)", error.Message);
    }

    [Fact]
    public void Run_WrongShape_ThrowsOrtError()
    {
        using var session = env.Open("add_float");
        using var x = Runtime.CreateTensor(new float[4], 1, 4);
        using var y = Runtime.CreateTensor(new float[4], 1, 4);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new("X", x), new("Y", y)]));

        Assert.Equal(OrtErrorCode.InvalidArgument, error.ErrorCode);
        Assert.Contains("invalid dimensions", error.Message);
    }

    [Fact]
    public void Run_MissingInput_ThrowsOrtError()
    {
        using var session = env.Open("add_float");
        using var x = Runtime.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new("X", x)]));

        Assert.Contains("Y", error.Message);
    }

    [Fact]
    public void Run_UnknownOutputName_ThrowsOrtError()
    {
        using var session = env.Open("add_float");
        using var x = Runtime.CreateTensor(new float[3], 1, 3);
        using var y = Runtime.CreateTensor(new float[3], 1, 3);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run([new("X", x), new("Y", y)], ["NoSuchOutput"]));

        Assert.Contains("NoSuchOutput", error.Message);
    }

    [Fact]
    public void Run_AfterAFailedRun_StillWorks()
    {
        using var session = env.Open("add_int64");
        using var a = Runtime.CreateTensor(new long[] { 2 }, 1);
        using var wrong = Runtime.CreateTensor(new float[] { 2 }, 1);
        Assert.Throws<OnnxRuntimeException>(() => session.Run([new("A", a), new("B", wrong)]));

        using var outputs = session.Run([new("A", a), new("B", a)]);

        Assert.Equal([4L], outputs["C"].ToArray<long>());
    }

    private sealed class RecordingOwner(long[] buffer) : System.Buffers.IMemoryOwner<long>
    {
        public bool Disposed { get; private set; }

        public Memory<long> Memory => buffer;

        public void Dispose() => Disposed = true;
    }
}
