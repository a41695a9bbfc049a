using RagPlatform.Deployment.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.Deployment.Tests.Docker;

/// <summary>.dockerignore lets in exactly what the Dockerfile copies, and keeps secrets, models and build output out.</summary>
[Trait("Category", "Unit")]
public sealed class DockerIgnoreTests
{
    private static readonly string IgnorePath = Path.Combine(TestPaths.RepoRoot, ".dockerignore");

    [Fact]
    public void BuildContext_HoldsEverythingTheDockerfileCopies()
    {
        var problems = MissingFromContext(DockerIgnore.Load(IgnorePath), DockerfileModel.Load(DockerfileChecks.DockerfilePath));

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData(".env")]
    [InlineData("deploy/docker/production.env")]
    [InlineData("services/Gateway/.env")]
    [InlineData(".models/forged/tiny/qwen2.5/onnx/model.onnx")]
    [InlineData(".data/gateway/keys.db")]
    [InlineData("services/Embedder/bin/Release/net10.0/RagPlatform.Embedder.dll")]
    [InlineData("services/RagPlatform.Contracts/obj/project.assets.json")]
    [InlineData(".git/config")]
    [InlineData("tests/RagPlatform.Deployment.Tests/Docker/DockerIgnoreTests.cs")]
    [InlineData("scripts/setup/forge-tiny.sh")]
    public void BuildContext_LeavesOutSecretsModelsDataAndBuildOutput(string path)
    {
        Assert.True(DockerIgnore.Load(IgnorePath).IsExcluded(path), $"{path} would be sent to the builder.");
    }

    [Theory]
    [InlineData("!protos/", "protos/")]
    [InlineData("!Directory.Build.props", "Directory.Build.props")]
    [InlineData("!NuGet.Config", "NuGet.Config")]
    public void MissingAllowRule_IsReported(string rule, string expectedSource)
    {
        var text = File.ReadAllText(IgnorePath);
        Assert.Contains(rule + "\n", text, StringComparison.Ordinal);
        var broken = DockerIgnore.Parse(text.Replace(rule + "\n", "", StringComparison.Ordinal));

        var problems = MissingFromContext(broken, DockerfileModel.Load(DockerfileChecks.DockerfilePath));

        Assert.Contains(problems, p => p.StartsWith(expectedSource, StringComparison.Ordinal));
    }

    [Fact]
    public void Matcher_FollowsDockersRules()
    {
        var ignore = DockerIgnore.Parse("""
            # comment
            *
            !src/
            src/**/gen
            !src/keep/gen
            *.tmp
            """);

        Assert.True(ignore.IsExcluded("README.md"));
        Assert.False(ignore.IsExcluded("src/a/b.cs"));
        Assert.True(ignore.IsExcluded("src/gen/x.cs"), "** matches zero folders");
        Assert.True(ignore.IsExcluded("src/a/b/gen/x.cs"), "** matches several folders");
        Assert.False(ignore.IsExcluded("src/keep/gen/x.cs"), "a later ! rule wins");
        Assert.True(ignore.IsExcluded("a.tmp"));
        Assert.False(ignore.IsExcluded("src/a.tmp"), "* stays within one segment");
    }

    /// <summary>Every COPY source from the build context, and every file under a copied folder (bin/obj aside), must reach it.</summary>
    private static List<string> MissingFromContext(DockerIgnore ignore, DockerfileModel dockerfile)
    {
        var problems = new List<string>();
        var sources = dockerfile.Stages.SelectMany(s => s.All("COPY")).Select(DockerfileModel.ParseCopy)
            .Where(c => c.From is null).SelectMany(c => c.Sources).Distinct();
        foreach (var source in sources)
        {
            var full = Path.Combine(TestPaths.RepoRoot, source);
            var files = Directory.Exists(full)
                ? Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories).Select(ServiceCatalog.Relative)
                    .Where(f => !f.Split('/').Any(part => part is "bin" or "obj")).ToList()
                : [source];
            if (files.Count == 0 || files.Any(ignore.IsExcluded))
            {
                problems.Add($"{source} is copied by the Dockerfile but (partly) excluded from the build context: {string.Join(", ", files.Where(ignore.IsExcluded).Take(3))}");
            }
        }

        return problems;
    }
}
