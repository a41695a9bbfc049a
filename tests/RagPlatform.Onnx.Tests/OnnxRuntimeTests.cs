using RagPlatform.Onnx.Native;

namespace RagPlatform.Onnx.Tests;

[Trait("Category", "Unit")]
[Collection(OnnxCollection.Name)]
public sealed class OnnxRuntimeTests(OnnxTestEnvironment env)
{
    [Fact]
    public void Create_LoadsOnnxRuntime130()
    {
        Assert.Equal("1.30.0", env.Runtime.Version);
        Assert.Equal(env.LibraryPath, env.Runtime.LibraryPath);
        Assert.StartsWith("ORT Build Info", env.Runtime.BuildInfo);
    }

    [Fact]
    public void Create_SecondInstanceAlongsideFirst_Works()
    {
        using var second = OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = env.LibraryPath, LogLevel = OnnxLogLevel.Error });
        using var session = second.OpenSession(env.Model("add_int64"));
        using var a = second.CreateTensor(new long[] { 20 }, 1);

        using var outputs = session.Run([new("A", a), new("B", a)]);

        Assert.Equal([40L], outputs["C"].ToArray<long>());
    }

    [Fact]
    public void Create_MissingConfiguredLibrary_NamesPathAndFix()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libonnxruntime.so.1");

        var error = Assert.Throws<DllNotFoundException>(() => OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = missing }));

        Assert.Contains(missing, error.Message);
        Assert.Contains("./scripts/setup/onnxruntime.sh", error.Message);
        Assert.Contains("RAG_ONNXRUNTIME_LIBRARY", error.Message);
    }

    [Fact]
    public void Create_FileThatIsNotALibrary_SaysItCouldNotBeLoaded()
    {
        var bogus = Path.Combine(Path.GetTempPath(), $"libonnxruntime-{Guid.NewGuid():N}.so.1");
        File.WriteAllText(bogus, "not an ELF file");
        try
        {
            var error = Assert.Throws<DllNotFoundException>(() => OnnxRuntime.Create(new OnnxRuntimeOptions { LibraryPath = bogus }));

            Assert.Contains(bogus, error.Message);
            Assert.Contains("could not be loaded", error.Message);
        }
        finally
        {
            File.Delete(bogus);
        }
    }

    [Fact]
    public void Resolve_NothingInstalled_ListsEveryPathTried()
    {
        var app = Directory.CreateTempSubdirectory("ort-locator-").FullName;
        try
        {
            var error = Assert.Throws<DllNotFoundException>(() => OrtLibraryLocator.Resolve(null, null, app));

            Assert.Contains(Path.Combine(app, ".native/onnxruntime/linux-x64/libonnxruntime.so.1"), error.Message);
            Assert.Contains(Path.Combine(app, "native/libonnxruntime.so.1"), error.Message);
            Assert.Contains("./scripts/setup/onnxruntime.sh", error.Message);
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    [Fact]
    public void Resolve_PrefersEnvironmentVariableOverRepositoryCopy()
    {
        var resolved = OrtLibraryLocator.Resolve(null, env.LibraryPath, AppContext.BaseDirectory);

        Assert.Equal(env.LibraryPath, resolved);
    }

    [Fact]
    public void Resolve_EnvironmentVariableToMissingFile_FailsInsteadOfFallingBack()
    {
        var error = Assert.Throws<DllNotFoundException>(() => OrtLibraryLocator.Resolve(null, "/nonexistent/libonnxruntime.so.1", AppContext.BaseDirectory));

        Assert.Contains("RAG_ONNXRUNTIME_LIBRARY", error.Message);
        Assert.Contains("/nonexistent/libonnxruntime.so.1", error.Message);
    }

    [Fact]
    public void Resolve_WalksUpFromTheAppFolderToTheRepositoryCopy()
    {
        Assert.Equal(env.LibraryPath, OrtLibraryLocator.Resolve(null, null, AppContext.BaseDirectory));
    }

    [Fact]
    public void Resolve_FindsNativeFolderBesideTheApp()
    {
        var app = Directory.CreateTempSubdirectory("ort-locator-").FullName;
        try
        {
            var native = Directory.CreateDirectory(Path.Combine(app, "native")).FullName;
            var copy = Path.Combine(native, "libonnxruntime.so.1");
            File.WriteAllBytes(copy, []);

            Assert.Equal(copy, OrtLibraryLocator.Resolve(null, null, app));
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    [Fact]
    public void OpenSession_MissingModel_ThrowsFileNotFoundNamingIt()
    {
        var missing = Path.Combine(TestPaths.RepoRoot, ".models", "test", "does-not-exist.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => env.Runtime.OpenSession(missing));

        Assert.Equal(missing, error.FileName);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void OpenSession_NotAModel_ThrowsOrtError()
    {
        var garbage = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(garbage, "this is not protobuf");
        try
        {
            var error = Assert.Throws<OnnxRuntimeException>(() => env.Runtime.OpenSession(garbage));

            Assert.Equal(OrtErrorCode.InvalidProtobuf, error.ErrorCode);
        }
        finally
        {
            File.Delete(garbage);
        }
    }

    [Fact]
    public void OpenSession_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Runtime.OpenSession(env.Model("add_float"), new InferenceSessionOptions { IntraOpThreads = -1 }));
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.Disabled, ExecutionMode.Sequential)]
    [InlineData(GraphOptimizationLevel.Basic, ExecutionMode.Parallel)]
    [InlineData(GraphOptimizationLevel.Extended, ExecutionMode.Sequential)]
    [InlineData(GraphOptimizationLevel.All, ExecutionMode.Parallel)]
    public void OpenSession_EveryOptimizationLevelAndMode_GivesSameResult(GraphOptimizationLevel level, ExecutionMode mode)
    {
        var options = new InferenceSessionOptions { GraphOptimization = level, ExecutionMode = mode, IntraOpThreads = 1, InterOpThreads = 1 };
        using var session = env.Runtime.OpenSession(env.Model("matmul_float"), options);
        using var x = env.Runtime.CreateTensor(new float[] { 1, 2, 3, 4 }, 1, 1, 4);

        using var outputs = session.Run([new("X", x)]);

        Assert.Equal([22f, 21f], outputs["Y"].ToArray<float>());
    }
}
