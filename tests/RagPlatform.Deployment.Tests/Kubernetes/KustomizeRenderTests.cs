using RagPlatform.Deployment.Tests.Infrastructure;

namespace RagPlatform.Deployment.Tests.Kubernetes;

/// <summary>
/// Where kubectl exists, the real kustomize renders each entry point and the rendered objects pass the same checks as
/// the files read directly: proof that the tests' own reading of kustomization.yaml matches kustomize's.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KustomizeRenderTests
{
    [KubectlTheory]
    [InlineData("")]
    [InlineData("overlays/qdrant")]
    [InlineData("overlays/scaled")]
    public async Task KubectlKustomize_RendersObjectsThatPassTheChecks(string folder)
    {
        var directory = Path.Combine(KubernetesModel.RootPath, folder);

        var result = await Tools.RunAsync("kubectl", ["kustomize", directory], TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.Output);
        var rendered = KubernetesModel.Parse(result.StandardOutput);
        Assert.Empty(KubernetesChecks.Check(rendered, DockerfileModel.Load(DockerfileChecks.DockerfilePath), ServiceCatalog.All));
        Assert.Equal(Identities(KubernetesModel.LoadKustomization(directory)), Identities(rendered));
        Assert.All(rendered.Objects.Where(o => KubernetesModel.Str(o["kind"]) != "Namespace"),
            o => Assert.Equal("ragplatform", KubernetesModel.Str(o["metadata"]?["namespace"])));
    }

    private static IReadOnlyList<string> Identities(KubernetesModel model) =>
        [.. model.Objects.Select(o => $"{KubernetesModel.Str(o["kind"])}/{KubernetesModel.Str(o["metadata"]?["name"])}").Order(StringComparer.Ordinal)];
}
