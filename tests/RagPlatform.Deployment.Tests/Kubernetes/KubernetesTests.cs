using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RagPlatform.Deployment.Tests.Infrastructure;
using RagPlatform.Gateway;
using RagPlatform.ServiceDefaults;
using RagPlatform.ServiceDefaults.Grpc;
using static RagPlatform.Deployment.Tests.Infrastructure.KubernetesModel;

namespace RagPlatform.Deployment.Tests.Kubernetes;

/// <summary>deploy/k8s (base, the Qdrant overlay and the scaled overlay) against the services, their images and each other.</summary>
[Trait("Category", "Unit")]
public sealed class KubernetesTests
{
    private static readonly DockerfileModel Dockerfile = DockerfileModel.Load(DockerfileChecks.DockerfilePath);

    private static IReadOnlyList<string> Check(KubernetesModel model) => KubernetesChecks.Check(model, Dockerfile, ServiceCatalog.All);

    [Fact]
    public void Base_MatchesEveryServicesConfiguration()
    {
        Assert.Empty(Check(LoadKustomization(RootPath)));
    }

    [Fact]
    public void QdrantOverlay_MatchesEveryServicesConfigurationAndPointsTheOrchestratorAtQdrant()
    {
        var model = LoadKustomization(QdrantOverlayPath);

        Assert.Empty(Check(model));
        var orchestrator = model.EffectiveEnvironment(Containers(model.Find("Deployment", "orchestrator")!).Single(), Dockerfile);
        Assert.Equal("Qdrant", orchestrator["Orchestrator__Index"]);
        Assert.Equal($"http://qdrant:{ServiceCatalog.QdrantGrpcPort}", orchestrator["Orchestrator__QdrantUrl"]);
    }

    [Fact]
    public void QdrantOverlay_RunsAPinnedQdrantWithProbesAndItsOwnVolume()
    {
        var qdrant = LoadKustomization(QdrantOverlayPath).Find("StatefulSet", "qdrant")!;
        var container = Containers(qdrant).Single();

        Assert.Matches(@"^qdrant/qdrant:v\d+\.\d+\.\d+", Str(container["image"]));
        Assert.Equal("/readyz", Str(container["readinessProbe"]?["httpGet"]?["path"]));
        Assert.Equal(ServiceCatalog.QdrantHttpPort, ResolvePort(container, Str(container["readinessProbe"]?["httpGet"]?["port"])));
        Assert.Equal(ServiceCatalog.QdrantHttpPort, ResolvePort(container, Str(container["livenessProbe"]?["httpGet"]?["port"])));
        var claim = Str(qdrant["spec"]?["volumeClaimTemplates"]?[0]?["metadata"]?["name"]);
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => Str(m?["name"]) == claim && Str(m?["mountPath"]) == "/qdrant/storage");
        Assert.Equal("true", Str(PodSpec(qdrant)["securityContext"]?["runAsNonRoot"]));
    }

    [Theory]
    [InlineData("base")]
    [InlineData("overlays/qdrant")]
    [InlineData("overlays/scaled")]
    public void Kustomization_ListsEveryManifestAndEveryImageItRetags(string folder)
    {
        var directory = Path.Combine(RootPath, folder);
        var kustomization = YamlTree.LoadObject(Path.Combine(directory, "kustomization.yaml"));
        var resources = (kustomization["resources"] as JsonArray ?? []).Select(r => Str(r)!).ToList();

        Assert.All(resources, r => Assert.True(File.Exists(Path.Combine(directory, r)) || Directory.Exists(Path.Combine(directory, r)), $"{r} does not exist"));
        var manifests = Directory.GetFiles(directory, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml");
        var patches = (kustomization["patches"] as JsonArray ?? []).Select(p => Str(p?["path"]));
        Assert.All(manifests, m => Assert.True(resources.Contains(m!) || patches.Contains(m), $"{m} is in {folder} but not in its kustomization"));
        var images = LoadKustomization(directory).Workloads.SelectMany(Containers).Select(c => Str(c["image"])!.Split(':')[0]).ToHashSet();
        Assert.All((kustomization["images"] as JsonArray ?? []).Select(i => Str(i?["name"])!), name => Assert.Contains(name, images));
    }

    [Fact]
    public void ScaledOverlay_RunsTwoOfEachStatefulServiceOnPostgresAndQdrantWithTheConnectionStringFromASecret()
    {
        var model = LoadKustomization(ScaledOverlayPath);

        Assert.Empty(Check(model));
        foreach (var (name, section) in new[] { ("orchestrator", "Orchestrator"), ("gateway", "Gateway") })
        {
            var deployment = model.Find("Deployment", name)!;
            var container = Containers(deployment).Single();
            var env = model.EffectiveEnvironment(container, Dockerfile);
            Assert.Equal("2", Str(deployment["spec"]?["replicas"]));
            Assert.Equal("RollingUpdate", Str(deployment["spec"]?["strategy"]?["type"]));
            Assert.Equal("Postgres", env[$"{section}__Store"]);
            Assert.Equal("secret:rag-postgres/connection-string", env[$"{section}__PostgresConnectionString"]);
            // The patch merged into the base's lists: the shared token stays, the scratch volume stays, the data volume lost its claim.
            Assert.Equal("secret:rag-secrets/shared-token", env["Grpc__SharedToken"]);
            var volumes = PodSpec(deployment)["volumes"]!.AsArray().OfType<JsonObject>().ToDictionary(v => Str(v["name"])!);
            Assert.Equal(["data", "tmp"], volumes.Keys.Order());
            Assert.Null(volumes["data"]["persistentVolumeClaim"]);
            Assert.NotNull(volumes["data"]["emptyDir"]);
        }

        var orchestrator = model.EffectiveEnvironment(Containers(model.Find("Deployment", "orchestrator")!).Single(), Dockerfile);
        Assert.Equal("Qdrant", orchestrator["Orchestrator__Index"]);
        Assert.Equal("dns:///orchestrator-headless:50054", model.EffectiveEnvironment(Containers(model.Find("Deployment", "gateway")!).Single(), Dockerfile)["Gateway__OrchestratorUrl"]);
        Assert.NotNull(model.Find("StatefulSet", "postgres"));
        Assert.NotNull(model.Find("StatefulSet", "qdrant"));
    }

    public static TheoryData<string, string> ScaledBreakages => new()
    {
        { "orchestrators on the embedded store", "Deployment orchestrator: runs 2 replicas, which needs Orchestrator__Store=Postgres and Orchestrator__Index=Qdrant" },
        { "orchestrators on the embedded index", "Deployment orchestrator: runs 2 replicas, which needs Orchestrator__Store=Postgres and Orchestrator__Index=Qdrant" },
        { "connection string in a ConfigMap", "Deployment gateway: Gateway__PostgresConnectionString must come from a secret" },
        { "data directory on the shared claim", "Deployment gateway: shares its state through PostgreSQL, so its data directory /data/gateway must be a writable emptyDir" },
        { "connection string secret missing", "Deployment orchestrator: Orchestrator__PostgresConnectionString reads secret rag-postgres/connection-string, which does not exist." },
    };

    [Theory]
    [MemberData(nameof(ScaledBreakages))]
    public void BrokenScaledOverlay_IsReported(string breakage, string expected)
    {
        var model = LoadKustomization(ScaledOverlayPath);
        JsonObject Container(string name) => Containers(model.Find("Deployment", name)!).Single();
        JsonObject Data(string configMap) => (JsonObject)model.Find("ConfigMap", configMap)!["data"]!;
        switch (breakage)
        {
            case "orchestrators on the embedded store": Data("orchestrator-config")["Orchestrator__Store"] = "Embedded"; break;
            case "orchestrators on the embedded index": Data("orchestrator-config")["Orchestrator__Index"] = "Embedded"; break;
            case "connection string in a ConfigMap":
                var env = Container("gateway")["env"]!.AsArray();
                env.Remove(env.Single(e => Str(e?["name"]) == "Gateway__PostgresConnectionString"));
                Data("gateway-config")["Gateway__PostgresConnectionString"] = "Host=postgres;Username=ragplatform;Password=secret";
                break;
            case "data directory on the shared claim":
                PodSpec(model.Find("Deployment", "gateway")!)["volumes"]![0] = new JsonObject { ["name"] = "data", ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = "gateway-data" } };
                break;
            case "connection string secret missing": model = model.Without(model.Find("Secret", "rag-postgres")!); break;
            default: throw new ArgumentOutOfRangeException(nameof(breakage), breakage, "unknown breakage");
        }

        Assert.Contains(Check(model), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Root_AppliesTheBase()
    {
        var root = LoadKustomization(RootPath);

        Assert.Equal(LoadKustomization(BasePath).Objects.Count, root.Objects.Count);
    }

    [Fact]
    public void SecretPlaceholders_AreRejectedByTheServicesOwnValidation()
    {
        var secret = LoadKustomization(RootPath).Find("Secret", "rag-secrets")!;
        var token = Str(secret["stringData"]?["shared-token"])!;
        var bootstrap = Str(secret["stringData"]?["bootstrap-api-key"])!;

        Assert.NotEmpty(new GatewayOptions { BootstrapApiKey = bootstrap }.Validate());
        // Through configuration, as the Secret reaches a service: Grpc__SharedToken → Grpc:SharedToken → the gRPC server's validator.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create<string, string?>("Grpc:SharedToken", token)]).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddValidatedOptions<GrpcServerOptions>(GrpcServerOptions.SectionName, o => o.Validate()).BuildServiceProvider();
        var rejection = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<GrpcServerOptions>>().Value);
        Assert.Contains("Grpc:SharedToken", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelLoader_WritesTheModelsClaimAsTheServicesUser()
    {
        var loader = YamlTree.LoadObject(Path.Combine(RootPath, "tools", "model-loader.yaml"));
        var embedder = LoadKustomization(RootPath).Find("Deployment", "embedder")!;

        Assert.Equal("rag-models", Str(loader["spec"]?["volumes"]?[0]?["persistentVolumeClaim"]?["claimName"]));
        Assert.Equal(Str(PodSpec(embedder)["securityContext"]?["runAsUser"]), Str(loader["spec"]?["securityContext"]?["runAsUser"]));
    }

    public static TheoryData<string, string> Breakages => new()
    {
        { "embedder readiness names another service", "Deployment embedder: readinessProbe must be grpc on port 50051 for service rag.v1.Embedder" },
        { "generator readiness on another port", "Deployment generator: readinessProbe must be grpc on port 50053" },
        { "reranker liveness names an unknown service", "Deployment reranker: livenessProbe must be grpc on port 50052" },
        { "orchestrator readiness on the server instead of Answers", "Deployment orchestrator: readinessProbe must be grpc on port 50054 for service rag.v1.Collections or rag.v1.Answers" },
        { "gateway readiness on healthz", "Deployment gateway: readinessProbe must GET /readyz on port 8080" },
        { "configmap key typo", "Deployment embedder: Embedder__MaxBatchSise (from ConfigMap embedder-config) is not a configuration key" },
        { "container port changed", "Deployment orchestrator: listens on 50054 (Grpc__Url), which is not a containerPort." },
        { "service selector wrong", "Service reranker: missing, or its selector does not match the reranker pods." },
        { "downstream url wrong port", "Deployment orchestrator: Downstream__Embedder__Url=http://embedder:50052 does not reach" },
        { "gateway points at a missing service", "Deployment gateway: Gateway__OrchestratorUrl=http://orchestrator-svc:50054 does not reach" },
        { "balanced url names a ClusterIP service", "Deployment orchestrator: Downstream__Embedder__Url=dns:///embedder:50051 does not name a headless Service" },
        { "no generator autoscaler", "HorizontalPodAutoscaler: none scales generator." },
        { "autoscaler targets a typo", "HorizontalPodAutoscaler embedder: must scale an existing Deployment on CPU utilization" },
        { "autoscaled deployment pins replicas", "Deployment embedder: sets replicas although an autoscaler owns the count" },
        { "orchestrator scaled out", "Deployment orchestrator: owns local state, so it must run replicas: 1 with strategy Recreate." },
        { "models mounted writable", "Deployment generator: its model directory /models/qwen2.5 must be on a read-only mount" },
        { "gateway data claim missing", "Deployment gateway: its data directory /data/gateway must be a writable mount of an existing PersistentVolumeClaim." },
        { "runs as root", "Deployment reranker: must set runAsNonRoot: true and runAsUser equal to the image's USER (1654)" },
        { "privilege escalation", "Deployment gateway: container must set allowPrivilegeEscalation: false" },
        { "no memory limit", "Deployment generator: no resources.limits.memory." },
        { "secret key typo", "Deployment orchestrator: Grpc__SharedToken reads secret rag-secrets/shared-tokn, which does not exist." },
        { "orchestrator load balancer", "Service orchestrator: type LoadBalancer exposes it outside the cluster" },
        { "no default deny", "NetworkPolicy: no default-deny ingress policy" },
        { "policy peer matches nothing", "NetworkPolicy models-from-orchestrator: a 'from' podSelector matches no pods." },
        { "models open to anyone", "NetworkPolicy models-from-orchestrator: admits traffic from anywhere to pods other than the gateway." },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void BrokenManifests_AreReported(string breakage, string expected)
    {
        var model = LoadKustomization(RootPath);
        JsonObject Container(string name) => Containers(model.Find("Deployment", name)!).Single();
        JsonObject Data(string configMap) => (JsonObject)model.Find("ConfigMap", configMap)!["data"]!;
        switch (breakage)
        {
            case "embedder readiness names another service": Container("embedder")["readinessProbe"]!["grpc"]!["service"] = "rag.v1.Embedding"; break;
            case "generator readiness on another port": Container("generator")["readinessProbe"]!["grpc"]!["port"] = "50052"; break;
            case "reranker liveness names an unknown service": Container("reranker")["livenessProbe"]!["grpc"]!["service"] = "rag.v1.Other"; break;
            case "orchestrator readiness on the server instead of Answers": ((JsonObject)Container("orchestrator")["readinessProbe"]!["grpc"]!).Remove("service"); break;
            case "gateway readiness on healthz": Container("gateway")["readinessProbe"]!["httpGet"]!["path"] = "/healthz"; break;
            case "configmap key typo": Data("embedder-config")["Embedder__MaxBatchSise"] = "64"; break;
            case "container port changed": Container("orchestrator")["ports"]![0]!["containerPort"] = "5054"; break;
            case "service selector wrong": model.Find("Service", "reranker")!["spec"]!["selector"]!["app.kubernetes.io/name"] = "rerank"; break;
            case "downstream url wrong port": Data("orchestrator-config")["Downstream__Embedder__Url"] = "http://embedder:50052"; break;
            case "gateway points at a missing service": Data("gateway-config")["Gateway__OrchestratorUrl"] = "http://orchestrator-svc:50054"; break;
            case "balanced url names a ClusterIP service": Data("orchestrator-config")["Downstream__Embedder__Url"] = "dns:///embedder:50051"; break;
            case "no generator autoscaler": model = model.Without(model.Find("HorizontalPodAutoscaler", "generator")!); break;
            case "autoscaler targets a typo": model.Find("HorizontalPodAutoscaler", "embedder")!["spec"]!["scaleTargetRef"]!["name"] = "embeder"; break;
            case "autoscaled deployment pins replicas": model.Find("Deployment", "embedder")!["spec"]!["replicas"] = "2"; break;
            case "orchestrator scaled out": model.Find("Deployment", "orchestrator")!["spec"]!["replicas"] = "2"; break;
            case "models mounted writable": Container("generator")["volumeMounts"]![0]!["readOnly"] = "false"; break;
            case "gateway data claim missing": model = model.Without(model.Find("PersistentVolumeClaim", "gateway-data")!); break;
            case "runs as root": PodSpec(model.Find("Deployment", "reranker")!)["securityContext"]!["runAsUser"] = "0"; break;
            case "privilege escalation": Container("gateway")["securityContext"]!["allowPrivilegeEscalation"] = "true"; break;
            case "no memory limit": ((JsonObject)Container("generator")["resources"]!["limits"]!).Remove("memory"); break;
            case "secret key typo": Container("orchestrator")["env"]![0]!["valueFrom"]!["secretKeyRef"]!["key"] = "shared-tokn"; break;
            case "orchestrator load balancer": model.Find("Service", "orchestrator")!["spec"]!["type"] = "LoadBalancer"; break;
            case "no default deny": model = model.Without(model.Find("NetworkPolicy", "default-deny-ingress")!); break;
            case "policy peer matches nothing": model.Find("NetworkPolicy", "models-from-orchestrator")!["spec"]!["ingress"]![0]!["from"]![0]!["podSelector"]!["matchLabels"]!["app.kubernetes.io/name"] = "orchestrater"; break;
            case "models open to anyone": ((JsonObject)model.Find("NetworkPolicy", "models-from-orchestrator")!["spec"]!["ingress"]![0]!).Remove("from"); break;
            default: throw new ArgumentOutOfRangeException(nameof(breakage), breakage, "unknown breakage");
        }

        Assert.Contains(Check(model), p => p.StartsWith(expected, StringComparison.Ordinal));
    }
}
