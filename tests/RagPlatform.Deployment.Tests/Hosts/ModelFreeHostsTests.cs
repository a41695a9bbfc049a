using RagPlatform.Testing;

namespace RagPlatform.Deployment.Tests.Hosts;

/// <summary>
/// The gateway and the orchestrator run no model: their build output carries neither ONNX Runtime nor the model code
/// (RagPlatform.Inference, RagPlatform.ModelHosting, Microsoft.ML.OnnxRuntime and its native engine), only the three model services do.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ModelFreeHostsTests
{
    [Theory]
    [InlineData("services/Gateway", "RagPlatform.Gateway")]
    [InlineData("services/Orchestrator", "RagPlatform.Orchestrator")]
    public void OutputFolder_ModelFreeHost_HasNoOnnxRuntimeOrModelAssembly(string project, string assembly)
    {
        Assert.Empty(ModelFiles(project, assembly));
    }

    [Fact]
    public void OutputFolder_ModelService_HasTheModelAssemblies()
    {
        // The control: the same look finds them where they belong, so an empty answer above means something.
        var found = ModelFiles("services/Embedder", "RagPlatform.Embedder");

        Assert.Contains("RagPlatform.Inference.dll", found);
        Assert.Contains("RagPlatform.ModelHosting.dll", found);
        Assert.Contains("Microsoft.ML.OnnxRuntime.dll", found);
    }

    private static List<string> ModelFiles(string project, string assembly)
    {
        var output = Path.GetDirectoryName(TestPaths.ServiceDll(project, assembly))!;
        return [.. Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetFileName(file))
            .Where(name => name.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("RagPlatform.Inference.", StringComparison.Ordinal)
                || name.StartsWith("RagPlatform.ModelHosting.", StringComparison.Ordinal))];
    }
}
