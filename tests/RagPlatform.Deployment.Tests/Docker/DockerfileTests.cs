using System.Text.RegularExpressions;
using RagPlatform.Deployment.Tests.Infrastructure;
using RagPlatform.Testing;

namespace RagPlatform.Deployment.Tests.Docker;

/// <summary>deploy/docker/Dockerfile against the services' code: targets, users, health checks, ports, projects.</summary>
[Trait("Category", "Unit")]
public sealed class DockerfileTests
{
    private static readonly string RealText = File.ReadAllText(DockerfileChecks.DockerfilePath);

    [Fact]
    public void Dockerfile_MatchesEveryServicesConfiguration()
    {
        var problems = DockerfileChecks.Check(DockerfileModel.Parse(RealText), ServiceCatalog.All);

        Assert.Empty(problems);
    }

    [Fact]
    public void ModelServiceBuiltWithoutOnnxRuntime_IsReported()
    {
        var embedder = ServiceCatalog.Get("embedder");
        var withoutRuntime = embedder with { ProjectPath = Path.Combine(TestPaths.RepoRoot, DockerfileChecks.ProbeProject) };

        var problems = DockerfileChecks.Check(DockerfileModel.Parse(RealText), [withoutRuntime]);

        Assert.Contains(problems, p => p.StartsWith("target embedder: no project", StringComparison.Ordinal) && p.Contains("carries no ONNX Runtime", StringComparison.Ordinal));
        Assert.Empty(DockerfileChecks.Check(DockerfileModel.Parse(RealText), [embedder]));
    }

    // Each row breaks the real Dockerfile in one place and names the problem the checks must then report.
    [Theory]
    [InlineData(@"EXPOSE 50051\nUSER 1654\n", "EXPOSE 50051\n", "target embedder: runs as root")]
    [InlineData(@"EXPOSE 8080\nUSER 1654", "EXPOSE 8080\nUSER app", "target gateway: USER app is a name")]
    [InlineData(@"EXPOSE 50052\nUSER 1654", "EXPOSE 50052\nUSER root", "target reranker: runs as root")]
    [InlineData(@"""rag\.v1\.Reranker""\]", @"""rag.v1.Rerank""]", "target reranker: HEALTHCHECK asks for health service 'rag.v1.Rerank'")]
    [InlineData(@"""http://127\.0\.0\.1:50053""", @"""http://127.0.0.1:50051""", "target generator: HEALTHCHECK probes 127.0.0.1:50051")]
    [InlineData(@"/healthz""\]", @"/health""]", "target gateway: HEALTHCHECK probes /health")]
    [InlineData(@"HEALTHCHECK[^\n]*120s[^\n]*\n[^\n]*\n", "", "target orchestrator: no HEALTHCHECK")]
    [InlineData(@"""/probe/RagPlatform\.HealthProbe\.dll"", ""grpc"", ""http://127\.0\.0\.1:50051""", @"""/app/probe.dll"", ""grpc"", ""http://127.0.0.1:50051""", "target embedder: HEALTHCHECK must run the health probe")]
    [InlineData(@"Grpc__Url=http://0\.0\.0\.0:50052", "Grpc__Url=http://127.0.0.1:50052", "target reranker: listens on 127.0.0.1")]
    [InlineData(@"EXPOSE 50054", "EXPOSE 5054", "target orchestrator: EXPOSE does not list its port 50054")]
    [InlineData(@"Embedder__ModelDirectory=", "Embedder__ModelDir=", "target embedder: ENV Embedder__ModelDir is not a configuration key")]
    [InlineData(@"services/Gateway/RagPlatform\.Gateway\.csproj -c", "services/Gateway/RagPlatform.Gateways.csproj -c", "target gateway: no COPY brings in the output of `dotnet publish services/Gateway/RagPlatform.Gateway.csproj`")]
    [InlineData(@"/app/RagPlatform\.Embedder\.dll""\]", @"/app/RagPlatform.Embeder.dll""]", "target embedder: ENTRYPOINT must be")]
    [InlineData(@"COPY services/RagPlatform\.Tokenizers/RagPlatform\.Tokenizers\.csproj [^\n]*\n", "", "services/RagPlatform.Tokenizers/RagPlatform.Tokenizers.csproj is referenced by a host but not copied")]
    [InlineData(@" \\\n && dotnet restore services/Gateway/RagPlatform\.Gateway\.csproj", "", "services/Gateway/RagPlatform.Gateway.csproj is not restored")]
    [InlineData(@"Generator__ModelDirectory=", "OnnxRuntime__LibraryPath=/opt/onnxruntime/libonnxruntime.so \\\n    Generator__ModelDirectory=", "target generator: ENV OnnxRuntime__LibraryPath is not a configuration key")]
    [InlineData(@"Logging__Json=true", "Logging__Json=false", "target embedder: logs are not JSON")]
    [InlineData(@"Generator__ModelDirectory=/models/qwen2\.5", "Generator__ModelDirectory=/app/qwen2.5", "target generator: Generator__ModelDirectory must point under /models/")]
    [InlineData(@"Orchestrator__DataDirectory=/data/orchestrator", "Orchestrator__DataDirectory=.data/orchestrator", "target orchestrator: Orchestrator__DataDirectory must be an absolute path under /data/")]
    [InlineData(@"AS reranker\n", "AS reranker-service\n", "Dockerfile: no target 'reranker'")]
    public void BrokenDockerfile_IsReported(string pattern, string replacement, string expected)
    {
        var regex = new Regex(pattern);
        Assert.Matches(regex, RealText);
        var broken = regex.Replace(RealText, replacement.Replace("\\n", "\n", StringComparison.Ordinal), 1);

        var problems = DockerfileChecks.Check(DockerfileModel.Parse(broken), ServiceCatalog.All);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_JoinsContinuationLinesSkipsCommentsAndInheritsFromParentStages()
    {
        var dockerfile = DockerfileModel.Parse("""
            ARG X=1
            FROM base:1 AS parent
            ENV A=1 \
                # a comment inside a continued instruction
                B="two words" \
                EMPTY=
            USER 1000
            FROM parent AS child
            ENV A=3
            HEALTHCHECK --interval=5s \
                CMD ["probe", "x"]
            FROM other AS sibling
            HEALTHCHECK NONE
            """);

        Assert.Equal(["parent", "child", "sibling"], dockerfile.Stages.Select(s => s.Name));
        Assert.Equal(new Dictionary<string, string> { ["A"] = "3", ["B"] = "two words", ["EMPTY"] = "" }, dockerfile.Environment("child"));
        Assert.Equal("1000", dockerfile.User("child"));
        Assert.Equal(["probe", "x"], dockerfile.HealthcheckCommand("child"));
        Assert.Null(dockerfile.HealthcheckCommand("sibling"));
        Assert.Null(dockerfile.User("sibling"));
    }

    [Fact]
    public void ParseEnv_ReadsTheLegacySpaceSeparatedForm()
    {
        Assert.Equal([new KeyValuePair<string, string>("KEY", "some value")], DockerfileModel.ParseEnv("KEY some value"));
    }
}
