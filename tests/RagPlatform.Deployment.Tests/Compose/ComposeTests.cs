using System.Text.Json.Nodes;
using RagPlatform.Deployment.Tests.Infrastructure;

namespace RagPlatform.Deployment.Tests.Compose;

/// <summary>docker-compose.yml (and its embedded-index and scaled overrides) against the services and the Dockerfile.</summary>
[Trait("Category", "Unit")]
public sealed class ComposeTests
{
    private static readonly DockerfileModel Dockerfile = DockerfileModel.Load(DockerfileChecks.DockerfilePath);

    private static JsonObject LoadCompose() => YamlTree.LoadObject(ComposeChecks.ComposePath);

    private static IReadOnlyList<string> Check(JsonObject compose) => ComposeChecks.Check(new ComposeModel(compose), Dockerfile, ServiceCatalog.All);

    [Fact]
    public void Compose_MatchesEveryServicesConfiguration()
    {
        Assert.Empty(Check(LoadCompose()));
    }

    [Fact]
    public void Compose_RunsQdrantAndEveryServiceWithTheOrchestratorOnQdrant()
    {
        var compose = new ComposeModel(LoadCompose());

        Assert.Equal(["embedder", "gateway", "generator", "orchestrator", "qdrant", "reranker"], compose.EnabledServices.Order());
        var orchestrator = ComposeModel.EffectiveEnvironment(compose.Service("orchestrator")!, Dockerfile);
        Assert.Equal("Qdrant", orchestrator["Orchestrator__Index"]);
        Assert.Equal("service_healthy", ComposeModel.DependsOn(compose.Service("orchestrator")!)["qdrant"]);
    }

    [Fact]
    public void Compose_TakesOneSharedTokenForEveryService()
    {
        var compose = new ComposeModel(LoadCompose());

        var variables = ServiceCatalog.All.Select(s => ComposeModel.RequiredVariable(ComposeModel.Environment(compose.Service(s.Name)!)["Grpc__SharedToken"])).Distinct();

        Assert.Equal(["RAG_SHARED_TOKEN"], variables);
    }

    [Fact]
    public void EmbeddedOverride_DropsQdrantAndStillChecksClean()
    {
        var overrideFile = YamlTree.LoadObject(ComposeChecks.EmbeddedOverridePath);
        var merged = ComposeModel.Merge(LoadCompose(), overrideFile);
        var compose = new ComposeModel(merged);

        Assert.Empty(Check(merged));
        Assert.False(compose.IsEnabled(ComposeChecks.Qdrant));
        Assert.Equal("Embedded", ComposeModel.Environment(compose.Service("orchestrator")!)["Orchestrator__Index"]);
        Assert.Equal(["embedder", "generator", "reranker"], ComposeModel.DependsOn(compose.Service("orchestrator")!).Keys.Order());
    }

    [Fact]
    public void EmbeddedOverride_WithoutOverrideTag_WouldStillWaitForTheDisabledQdrant()
    {
        // Plain YAML merging keeps the base file's depends_on entries: the !override tag is what removes Qdrant.
        var overrideFile = YamlTree.Parse(File.ReadAllText(ComposeChecks.EmbeddedOverridePath).Replace("depends_on: !override", "depends_on:", StringComparison.Ordinal)).OfType<JsonObject>().Single();

        var problems = Check(ComposeModel.Merge(LoadCompose(), overrideFile));

        Assert.Contains("compose orchestrator: depends on 'qdrant', which is not a service that starts.", problems);
    }

    [Fact]
    public void ScaledOverride_RunsPostgresAndTwoOfEachStatefulServiceOnSharedStateAndChecksClean()
    {
        var merged = ComposeModel.Merge(LoadCompose(), YamlTree.LoadObject(ComposeChecks.ScaledOverridePath));
        var compose = new ComposeModel(merged);

        Assert.Empty(Check(merged));
        Assert.Equal(["embedder", "gateway", "generator", "orchestrator", "postgres", "qdrant", "reranker"], compose.EnabledServices.Order());
        foreach (var name in new[] { "orchestrator", "gateway" })
        {
            var service = compose.Service(name)!;
            var env = ComposeModel.EffectiveEnvironment(service, Dockerfile);
            var section = name == "orchestrator" ? "Orchestrator" : "Gateway";
            Assert.Equal(2, ComposeModel.Replicas(service));
            Assert.Equal("Postgres", env[$"{section}__Store"]);
            Assert.Equal("RAG_POSTGRES_CONNECTION", ComposeModel.RequiredVariable(env[$"{section}__PostgresConnectionString"]));
            Assert.Equal("service_healthy", ComposeModel.DependsOn(service)["postgres"]);
            Assert.Empty(ComposeModel.Mounts(service));
        }

        Assert.Equal("Qdrant", ComposeModel.EffectiveEnvironment(compose.Service("orchestrator")!, Dockerfile)["Orchestrator__Index"]);
        Assert.Equal("RAG_POSTGRES_PASSWORD", ComposeModel.RequiredVariable(ComposeModel.Environment(compose.Service("postgres")!)["POSTGRES_PASSWORD"]));
    }

    public static TheoryData<string, string> ScaledBreakages => new()
    {
        { "orchestrators on the embedded store", "compose orchestrator: runs 2 replicas, which needs Orchestrator__Store=Postgres and Orchestrator__Index=Qdrant" },
        { "orchestrators on the embedded index", "compose orchestrator: runs 2 replicas, which needs Orchestrator__Store=Postgres and Orchestrator__Index=Qdrant" },
        { "gateways on the embedded store", "compose gateway: runs 2 replicas, which needs Gateway__Store=Postgres" },
        { "connection string written in", "compose gateway: Gateway__PostgresConnectionString must come from a secret" },
        { "no connection string", "compose orchestrator: Orchestrator__Store=Postgres without Orchestrator__PostgresConnectionString" },
        { "embedded store on a scratch directory", "compose gateway: its data directory /data/gateway is not a writable named volume" },
    };

    [Theory]
    [MemberData(nameof(ScaledBreakages))]
    public void BrokenScaledOverride_IsReported(string breakage, string expected)
    {
        var merged = ComposeModel.Merge(LoadCompose(), YamlTree.LoadObject(ComposeChecks.ScaledOverridePath));
        var services = (JsonObject)merged["services"]!;
        JsonObject Env(string service) => (JsonObject)services[service]!["environment"]!;
        switch (breakage)
        {
            case "orchestrators on the embedded store": Env("orchestrator").Remove("Orchestrator__Store"); break;
            case "orchestrators on the embedded index": Env("orchestrator")["Orchestrator__Index"] = "Embedded"; break;
            case "gateways on the embedded store": Env("gateway")["Gateway__Store"] = "Embedded"; break;
            case "connection string written in": Env("gateway")["Gateway__PostgresConnectionString"] = "Host=postgres;Username=ragplatform;Password=secret"; break;
            case "no connection string": Env("orchestrator").Remove("Orchestrator__PostgresConnectionString"); break;
            case "embedded store on a scratch directory": services["gateway"]!["deploy"]!["replicas"] = "1"; Env("gateway").Remove("Gateway__Store"); break;
            default: throw new ArgumentOutOfRangeException(nameof(breakage), breakage, "unknown breakage");
        }

        Assert.Contains(Check(merged), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    public static TheoryData<string, string> Breakages => new()
    {
        { "embedder publishes a port", "compose embedder: publishes ports 50051" },
        { "reranker env typo", "compose reranker: environment Reranker__IntraOpThread is not a configuration key" },
        { "generator literal token", "compose generator: Grpc__SharedToken must come from a required variable" },
        { "gateway literal bootstrap key", "compose gateway: Gateway__BootstrapApiKey must come from a required variable" },
        { "wrong downstream port", "compose orchestrator: Downstream__Generator__Url=http://generator:50052 must reach service 'generator' on its port 50053" },
        { "missing downstream url", "compose orchestrator: Downstream__Reranker__Url=http://127.0.0.1:50052 must reach service 'reranker'" },
        { "unknown dependency", "compose gateway: depends on 'orchestrater', which is not a service that starts." },
        { "started instead of healthy", "compose orchestrator: depends on embedder with service_started, not service_healthy." },
        { "qdrant without healthcheck", "compose orchestrator: waits for qdrant to be healthy, but qdrant has no health check." },
        { "models writable", "compose embedder: its model directory /models/minilm-embedder is not inside a read-only mount." },
        { "no orchestrator volume", "compose orchestrator: its data directory /data/orchestrator is not a writable named volume" },
        { "qdrant latest", "compose qdrant: image 'qdrant/qdrant:latest' must be pinned" },
        { "orchestrator on frontend", "compose orchestrator: is attached to a non-internal network" },
        { "gateway listens elsewhere", "compose gateway: changes its listen port to 9090, but the image's HEALTHCHECK probes 8080" },
        { "dependency cycle", "compose: depends_on cycle through" },
        { "qdrant disabled", "compose orchestrator: Orchestrator__QdrantUrl=http://qdrant:6334 must reach service 'qdrant'" },
        { "qdrant over rest", "compose orchestrator: Orchestrator__QdrantUrl=http://qdrant:6333 must reach service 'qdrant' on its port 6334" },
        { "writable root filesystem", "compose gateway: must run with a read-only root filesystem" },
        { "wrong build target", "compose embedder: build target 'reranker' is not the Dockerfile's 'embedder' target." },
        { "undeclared network", "compose reranker: network 'default' is not declared" },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void BrokenCompose_IsReported(string breakage, string expected)
    {
        var compose = LoadCompose();
        var services = (JsonObject)compose["services"]!;
        JsonObject Env(string service) => (JsonObject)services[service]!["environment"]!;
        switch (breakage)
        {
            case "embedder publishes a port": services["embedder"]!["ports"] = new JsonArray("50051:50051"); break;
            case "reranker env typo": Env("reranker")["Reranker__IntraOpThread"] = "2"; break;
            case "generator literal token": Env("generator")["Grpc__SharedToken"] = "0123456789abcdef0123"; break;
            case "gateway literal bootstrap key": Env("gateway")["Gateway__BootstrapApiKey"] = "rag_0123456789abcdef0123456789"; break;
            case "wrong downstream port": Env("orchestrator")["Downstream__Generator__Url"] = "http://generator:50052"; break;
            case "missing downstream url": Env("orchestrator")["Downstream__Reranker__Url"] = "http://127.0.0.1:50052"; break;
            case "unknown dependency": services["gateway"]!["depends_on"]!["orchestrater"] = new JsonObject { ["condition"] = "service_healthy" }; break;
            case "started instead of healthy": services["orchestrator"]!["depends_on"]!["embedder"]!["condition"] = "service_started"; break;
            case "qdrant without healthcheck": ((JsonObject)services["qdrant"]!).Remove("healthcheck"); break;
            case "models writable": services["embedder"]!["volumes"]![0]!["read_only"] = "false"; break;
            case "no orchestrator volume": services["orchestrator"]!["volumes"] = new JsonArray(); break;
            case "qdrant latest": services["qdrant"]!["image"] = "qdrant/qdrant:latest"; break;
            case "orchestrator on frontend": ((JsonArray)services["orchestrator"]!["networks"]!).Add("frontend"); break;
            case "gateway listens elsewhere": Env("gateway")["Gateway__Url"] = "http://0.0.0.0:9090"; break;
            case "dependency cycle": services["embedder"]!["depends_on"] = new JsonObject { ["gateway"] = new JsonObject { ["condition"] = "service_healthy" } }; break;
            case "qdrant disabled": services["qdrant"]!["profiles"] = new JsonArray("qdrant"); break;
            case "qdrant over rest": Env("orchestrator")["Orchestrator__QdrantUrl"] = "http://qdrant:6333"; break;
            case "writable root filesystem": services["gateway"]!["read_only"] = "false"; break;
            case "wrong build target": services["embedder"]!["build"]!["target"] = "reranker"; break;
            case "undeclared network": ((JsonObject)services["reranker"]!).Remove("networks"); break;
            default: throw new ArgumentOutOfRangeException(nameof(breakage), breakage, "unknown breakage");
        }

        Assert.Contains(Check(compose), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void YamlTree_ExpandsNestedMergeKeysWithExplicitKeysWinning()
    {
        var root = YamlTree.Parse("""
            x-a: &a
              one: a
              two: a
            x-b: &b
              <<: *a
              two: b
            svc:
              <<: *b
              three: c
              one: own
            """).OfType<JsonObject>().Single();

        Assert.Equal("""{"one":"own","three":"c","two":"b"}""", Sorted(root["svc"]!));
    }

    private static string Sorted(JsonNode node) =>
        new JsonObject([.. node.AsObject().OrderBy(p => p.Key).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone()))]).ToJsonString();
}
