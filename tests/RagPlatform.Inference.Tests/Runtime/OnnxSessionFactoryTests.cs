using Microsoft.ML.OnnxRuntime;
using RagPlatform.Inference.Runtime;
using RagPlatform.Inference.Tests.Infrastructure;

namespace RagPlatform.Inference.Tests.Runtime;

[Trait("Category", "Unit")]
[Collection(InferenceCollection.Name)]
public sealed class OnnxSessionFactoryTests(InferenceEnvironment env)
{
    [Fact]
    public void Create_LoadsThePackagedEngineFromTheBuildOutput()
    {
        Assert.Equal("1.32.0", OnnxSessionFactory.Version);
        Assert.Equal("cpu", env.Sessions.Device);

        // No environment variable or installed copy: the loader found the library the package put beside the tests.
        var mapped = File.ReadLines("/proc/self/maps").Where(l => l.EndsWith("/libonnxruntime.so", StringComparison.Ordinal)).Select(l => l[l.IndexOf('/')..]).Distinct().ToArray();
        var library = Assert.Single(mapped);
        Assert.StartsWith(AppContext.BaseDirectory, library, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CudaWithTheCpuPackage_FailsNamingTheGpuPackage()
    {
        var error = Assert.Throws<InvalidOperationException>(() => OnnxSessionFactory.Create(new OnnxRuntimeOptions { ExecutionProvider = OnnxExecutionProvider.Cuda }));

        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux", error.Message, StringComparison.Ordinal);
        Assert.Contains("-p:OnnxRuntimePackage=Microsoft.ML.OnnxRuntime.Gpu.Linux", error.Message, StringComparison.Ordinal);
        Assert.Contains("CPUExecutionProvider", error.Message, StringComparison.Ordinal);
        Assert.Contains("OnnxRuntime:ExecutionProvider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_InvalidOptions_NamesEveryKey()
    {
        var error = Assert.Throws<ArgumentException>(() => OnnxSessionFactory.Create(new OnnxRuntimeOptions
        {
            ExecutionProvider = (OnnxExecutionProvider)7,
            CudaDeviceId = -1,
            LogLevel = (OnnxLogLevel)9,
        }));

        Assert.Contains("OnnxRuntime:ExecutionProvider", error.Message, StringComparison.Ordinal);
        Assert.Contains("OnnxRuntime:CudaDeviceId", error.Message, StringComparison.Ordinal);
        Assert.Contains("OnnxRuntime:LogLevel", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MissingModel_ThrowsFileNotFoundNamingIt()
    {
        var missing = InferenceEnvironment.TestModel("does-not-exist");

        var error = Assert.Throws<FileNotFoundException>(() => env.Sessions.Open(missing));

        Assert.Equal(missing, error.FileName);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NotAModel_ThrowsOrtError()
    {
        var garbage = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(garbage, "this is not protobuf");
        try
        {
            var error = Assert.Throws<OnnxRuntimeException>(() => env.Sessions.Open(garbage));

            Assert.Contains("Protobuf", error.Message, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            File.Delete(garbage);
        }
    }

    [Fact]
    public void Open_InvalidSessionOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => env.OpenTestModel("matmul_float", new InferenceSessionOptions { IntraOpThreads = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.OpenTestModel("matmul_float", new InferenceSessionOptions { GraphOptimization = (GraphOptimization)5 }));
    }

    [Theory]
    [InlineData(GraphOptimization.Disabled, SessionExecutionMode.Sequential, false, false, true)]
    [InlineData(GraphOptimization.Basic, SessionExecutionMode.Parallel, true, false, false)]
    [InlineData(GraphOptimization.Extended, SessionExecutionMode.Sequential, false, true, false)]
    [InlineData(GraphOptimization.All, SessionExecutionMode.Parallel, true, true, true)]
    public void Open_EverySessionSetting_GivesTheSameResult(GraphOptimization optimization, SessionExecutionMode mode, bool arena, bool pattern, bool spinning)
    {
        var options = new InferenceSessionOptions
        {
            GraphOptimization = optimization, ExecutionMode = mode, MemoryArena = arena, MemoryPattern = pattern, AllowSpinning = spinning,
            IntraOpThreads = 2, InterOpThreads = 2,
        };
        using var session = env.OpenTestModel("matmul_float", options);
        using var x = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 2, 3, 4 }, [1, 1, 4]);

        using var outputs = session.Run(["X"], [x], ["Y"]);

        Assert.Equal([22f, 21f], outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void Open_ReadsTheModelsCustomMetadata()
    {
        using var forged = env.OpenTestModel("add_float");
        using var plain = env.OpenTestModel("add_int64");

        Assert.Equal("true", forged.CustomMetadata["forged"]);
        Assert.Equal("unit-test", forged.CustomMetadata["purpose"]);
        Assert.Empty(plain.CustomMetadata);
        Assert.Equal("cpu", forged.Device);
    }
}
