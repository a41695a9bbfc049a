using System.Runtime.InteropServices;
using RagPlatform.Onnx.Native;

namespace RagPlatform.Onnx.Tests;

/// <summary>
/// Checks OrtApiIndex slot numbers by what the functions do: a wrong slot calls a different function,
/// which shows up as a wrong value, an error, or a crash here rather than somewhere subtle later.
/// </summary>
[Trait("Category", "Unit")]
[Collection(OnnxCollection.Name)]
public sealed unsafe class OrtApiIndexTests(OnnxTestEnvironment env)
{
    private OrtApi Api => env.Runtime.Api;

    [Fact]
    public void StatusSlots_CreateStatusRoundTripsCodeAndMessage()
    {
        // CreateStatus 0, GetErrorCode 1, GetErrorMessage 2, ReleaseStatus 93.
        var error = Api.TakeException(Api.CreateStatus(OrtErrorCode.InvalidGraph, "probe: ünïcode"));

        Assert.Equal(OrtErrorCode.InvalidGraph, error.ErrorCode);
        Assert.Equal("probe: ünïcode", error.Message);
    }

    [Fact]
    public void TensorSlots_UserBufferIsUsedInPlaceAndDescribedBack()
    {
        // CreateCpuMemoryInfo 69, CreateTensorWithDataAsOrtValue 49, GetTensorMutableData 51, IsTensor 50,
        // GetValueType 67, GetTensorTypeAndShape 65, GetTensorElementType 60, GetDimensionsCount 61, GetDimensions 62.
        var data = GC.AllocateArray<short>(24, pinned: true);
        using var tensor = env.Runtime.CreateTensor(data, 2, 3, 4);
        var value = tensor.Handle.DangerousGetHandle();

        fixed (short* expected = data)
        {
            Assert.Equal((nint)expected, (nint)Api.GetTensorMutableData(value));
        }

        Assert.True(Api.IsTensor(value));
        Assert.Equal(OnnxValueType.Tensor, Api.GetValueType(value));
        var (type, shape) = Api.GetTensorTypeAndShape(value);
        Assert.Equal(TensorElementType.Int16, type);
        Assert.Equal([2L, 3L, 4L], shape);
    }

    [Fact]
    public void AllocatorSlots_OrtAllocatedTensorHasRequestedShape()
    {
        // GetAllocatorWithDefaultOptions 78, CreateTensorAsOrtValue 48.
        using var tensor = env.Runtime.AllocateTensor<double>(3, 5);

        var (type, shape) = Api.GetTensorTypeAndShape(tensor.Handle.DangerousGetHandle());
        Assert.Equal(TensorElementType.Double, type);
        Assert.Equal([3L, 5L], shape);
        Assert.All(tensor.ToArray<double>(), v => Assert.Equal(0, v));
    }

    [Fact]
    public void SessionSlots_InputAndOutputGettersAreNotSwapped()
    {
        // SessionGetInputCount 30 / OutputCount 31, InputTypeInfo 33 / OutputTypeInfo 34, InputName 36 / OutputName 37.
        using var session = env.Open("int32_bool");

        Assert.Equal(["I", "M"], session.Inputs.Select(i => i.Name));
        Assert.Equal(["Doubled", "Negated"], session.Outputs.Select(o => o.Name));
        Assert.Equal(TensorElementType.Bool, session.Inputs[1].ElementType);
        Assert.Equal(["k"], session.Outputs[1].SymbolicDimensions);
    }

    [Fact]
    public void RunOptionsSlots_TerminateFlagStopsOnlyRunsUsingThoseOptions()
    {
        // CreateRunOptions 39, RunOptionsSetTerminate 46, Run 9, ReleaseRunOptions 97.
        using var session = env.Open("add_int64");
        using var a = env.Runtime.CreateTensor(new long[] { 7 }, 1);
        using var fresh = new RunOptionsHandle(Api, Api.CreateRunOptions());
        using var terminated = new RunOptionsHandle(Api, Api.CreateRunOptions());

        terminated.Terminate();

        Assert.Equal(0, RawRun(session, fresh, a));
        var error = Api.TakeException(RawRun(session, terminated, a));
        Assert.Contains("terminate", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    private nint RawRun(InferenceSession session, RunOptionsHandle runOptions, OrtTensor input)
    {
        var sessionHandle = session.Handle.DangerousGetHandle();
        var a = Marshal.StringToCoTaskMemUTF8("A");
        var b = Marshal.StringToCoTaskMemUTF8("B");
        var c = Marshal.StringToCoTaskMemUTF8("C");
        try
        {
            var names = stackalloc nint[] { a, b };
            var values = stackalloc nint[] { input.Handle.DangerousGetHandle(), input.Handle.DangerousGetHandle() };
            var outputNames = stackalloc nint[] { c };
            var outputs = stackalloc nint[] { 0 };
            var status = Api.Run(sessionHandle, runOptions.DangerousGetHandle(), names, values, 2, outputNames, 1, outputs);
            Api.ReleaseValue(outputs[0]);
            return status;
        }
        finally
        {
            Marshal.FreeCoTaskMem(a);
            Marshal.FreeCoTaskMem(b);
            Marshal.FreeCoTaskMem(c);
        }
    }
}
