using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Hosting;
using RagPlatform.Embedder;
using RagPlatform.Embedder.Extensions;
using RagPlatform.Gateway;
using RagPlatform.Gateway.Storage;
using RagPlatform.Generator;
using RagPlatform.Generator.Extensions;
using RagPlatform.Inference.Runtime;
using RagPlatform.Orchestrator;
using RagPlatform.Orchestrator.Answering;
using RagPlatform.Orchestrator.Downstream;
using RagPlatform.Orchestrator.Extensions;
using RagPlatform.Orchestrator.Ingestion;
using RagPlatform.Orchestrator.Storage;
using RagPlatform.Reranker;
using RagPlatform.Reranker.Extensions;
using RagPlatform.ServiceDefaults.Grpc;
using RagPlatform.Storage;
using RagPlatform.Testing;

namespace RagPlatform.Deployment.Tests.Infrastructure;

public enum HealthKind
{
    /// <summary>grpc.health.v1 on the gRPC port.</summary>
    Grpc,
    /// <summary>HTTP GET on the HTTP port.</summary>
    Http,
}

/// <summary>What the code of one service says about how it must be deployed.</summary>
/// <param name="Name">Its name in compose, in Kubernetes and as the Dockerfile target.</param>
/// <param name="HealthServices">grpc.health.v1 names it registers (readiness); empty for HTTP.</param>
/// <param name="ListenKey">The configuration key holding its listen URL.</param>
/// <param name="ModelDirectoryKey">Model services: where their model directory is configured.</param>
/// <param name="DataDirectoryKey">Stateful services: the directory that must be a persistent volume.</param>
/// <param name="LivenessPath">HTTP services: the path that answers while the process is up.</param>
/// <param name="ReadinessPath">HTTP services: the path that answers when it can serve.</param>
/// <summary>Service <paramref name="From"/> finds <paramref name="To"/> through the URL in configuration key <paramref name="Key"/>.</summary>
public sealed record ServiceLink(string From, string Key, string To);

public sealed record ServiceSpec(
    string Name,
    string ProjectPath,
    string AssemblyName,
    HealthKind Health,
    IReadOnlyList<string> HealthServices,
    string ListenKey,
    string? ModelDirectoryKey,
    string? DataDirectoryKey,
    string? LivenessPath,
    string? ReadinessPath,
    ConfigurationSchema Schema)
{
    public bool UsesModels => ModelDirectoryKey is not null;

    public string AppSettingsPath => Path.Combine(Path.GetDirectoryName(ProjectPath)!, "appsettings.json");
}

/// <summary>
/// The five services, described from their code: options types and sections as each host binds them, health names
/// from the hosts' own constants, assembly names from the project files. A rename in a service changes what the
/// deployment files are checked against.
/// </summary>
public static class ServiceCatalog
{
    /// <summary>Qdrant's gRPC port, the one the orchestrator calls (Qdrant.Client); an external image, not our code.</summary>
    public const int QdrantGrpcPort = 6334;

    /// <summary>Qdrant's REST port, where its health endpoints (/readyz, /livez) answer without an API key.</summary>
    public const int QdrantHttpPort = 6333;

    /// <summary>Where the images keep their models (mounted read-only).</summary>
    public const string ModelsMount = "/models";

    public static IReadOnlyList<ServiceSpec> All { get; } = Build();

    /// <summary>
    /// The URLs every deployment must set: their defaults are loopback addresses, which in a container or pod point at
    /// the caller itself.
    /// </summary>
    public static IReadOnlyList<ServiceLink> Links { get; } =
    [
        new("orchestrator", $"{DownstreamOptions.SectionName}:Embedder:{nameof(DownstreamOptions.Url)}", "embedder"),
        new("orchestrator", $"{DownstreamOptions.SectionName}:Reranker:{nameof(DownstreamOptions.Url)}", "reranker"),
        new("orchestrator", $"{DownstreamOptions.SectionName}:Generator:{nameof(DownstreamOptions.Url)}", "generator"),
        new("gateway", $"{GatewayOptions.SectionName}:{nameof(GatewayOptions.OrchestratorUrl)}", "orchestrator"),
    ];

    /// <summary>Set when the orchestrator's index is Qdrant.</summary>
    public static ServiceLink QdrantLink { get; } = new("orchestrator", $"{OrchestratorOptions.SectionName}:{nameof(OrchestratorOptions.QdrantUrl)}", "qdrant");

    public static string IndexKey { get; } = $"{OrchestratorOptions.SectionName}:{nameof(OrchestratorOptions.Index)}";

    public static IReadOnlyList<ServiceSpec> GrpcServices => [.. All.Where(s => s.Health == HealthKind.Grpc)];

    public static ServiceSpec Get(string name) =>
        All.SingleOrDefault(s => s.Name == name) ?? throw new ArgumentException($"No service named '{name}'.", nameof(name));

    /// <summary>&lt;AssemblyName&gt; of a project file, else its file name.</summary>
    public static string AssemblyNameOf(string projectPath) =>
        XDocument.Load(projectPath).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(projectPath);

    /// <summary>Every project <paramref name="projectPath"/> references, directly or not, as repository-relative paths.</summary>
    public static IReadOnlySet<string> ProjectClosure(string projectPath)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Relative(projectPath)]);
        while (pending.TryPop(out var project))
        {
            if (!seen.Add(project))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(Path.Combine(TestPaths.RepoRoot, project)).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")!.Value.Replace("$(RepoRoot)", TestPaths.RepoRoot + "/", StringComparison.Ordinal);
                pending.Push(Relative(Path.IsPathRooted(include) ? include : Path.Combine(TestPaths.RepoRoot, Path.GetDirectoryName(project)!, include)));
            }
        }

        return seen;
    }

    /// <summary>Whether some project in the closure of <paramref name="projectPath"/> references an ONNX Runtime package.</summary>
    public static bool ReferencesOnnxRuntime(string projectPath) =>
        ProjectClosure(projectPath)
            .SelectMany(p => XDocument.Load(Path.Combine(TestPaths.RepoRoot, p)).Descendants("PackageReference"))
            .Select(r => r.Attribute("Include")?.Value ?? "")
            .Any(p => p is "$(OnnxRuntimePackage)" || p.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));

    public static string Relative(string path) =>
        Path.GetRelativePath(TestPaths.RepoRoot, Path.GetFullPath(path, TestPaths.RepoRoot)).Replace('\\', '/');

    private static IReadOnlyList<ServiceSpec> Build()
    {
        var (liveness, readiness) = GatewayHealthPaths();
        return
        [
            ModelService("embedder", "Embedder", EmbedderExtensions.HealthService, typeof(EmbedderOptions)),
            ModelService("reranker", "Reranker", RerankerExtensions.HealthService, typeof(RerankerOptions)),
            ModelService("generator", "Generator", GeneratorExtensions.HealthService, typeof(GeneratorOptions)),
            new ServiceSpec("orchestrator", Project("Orchestrator"), AssemblyNameOf(Project("Orchestrator")), HealthKind.Grpc,
                OrchestratorExtensions.HealthServices, "Grpc:Url", null, $"{OrchestratorOptions.SectionName}:{nameof(OrchestratorOptions.DataDirectory)}",
                null, null,
                HostSchema().Bind(GrpcServerOptions.SectionName, typeof(GrpcServerOptions))
                    .Bind(OrchestratorOptions.SectionName, typeof(OrchestratorOptions))
                    .Bind(OrchestratorOptions.SectionName, typeof(OrchestratorStoreOptions))
                    .Key($"ConnectionStrings:{StoreOptions.ConnectionStringName}")
                    .Bind(IngestionSettings.SectionName, typeof(IngestionSettings))
                    .Bind(AnsweringOptions.SectionName, typeof(AnsweringOptions))
                    .Bind($"{AnsweringOptions.SectionName}:Extractive", typeof(RagPlatform.Retrieval.Extractive.ExtractiveSettings))
                    .Bind($"{DownstreamOptions.SectionName}:Embedder", typeof(DownstreamOptions))
                    .Bind($"{DownstreamOptions.SectionName}:Reranker", typeof(DownstreamOptions))
                    .Bind($"{DownstreamOptions.SectionName}:Generator", typeof(DownstreamOptions))),
            new ServiceSpec("gateway", Project("Gateway"), AssemblyNameOf(Project("Gateway")), HealthKind.Http,
                [], $"{GatewayOptions.SectionName}:{nameof(GatewayOptions.Url)}", null, $"{GatewayOptions.SectionName}:{nameof(GatewayOptions.DataDirectory)}",
                liveness, readiness,
                // The gateway is no gRPC server: of the Grpc section it reads only the token it sends to the orchestrator.
                HostSchema().Bind(GatewayOptions.SectionName, typeof(GatewayOptions)).Key($"{GrpcServerOptions.SectionName}:{nameof(GrpcServerOptions.SharedToken)}")
                    .Bind(GatewayOptions.SectionName, typeof(GatewayStoreOptions)).Key($"ConnectionStrings:{StoreOptions.ConnectionStringName}")
                    .Bind(Gateway.Mcp.McpOptions.SectionName, typeof(Gateway.Mcp.McpOptions))
                    .Bind(Gateway.OpenAi.OpenAiOptions.SectionName, typeof(Gateway.OpenAi.OpenAiOptions))),
        ];
    }

    private static ServiceSpec ModelService(string name, string folder, string healthService, Type options) =>
        new(name, Project(folder), AssemblyNameOf(Project(folder)), HealthKind.Grpc, [healthService], "Grpc:Url",
            $"{folder}:ModelDirectory", null, null, null,
            HostSchema().Bind(GrpcServerOptions.SectionName, typeof(GrpcServerOptions))
                .Bind(OnnxRuntimeOptions.SectionName, typeof(OnnxRuntimeOptions))
                .Bind(folder, options));

    /// <summary>What every host reads: Logging (Json and free-form levels), Host (HostOptions) and the aspnet image's port variable.</summary>
    private static ConfigurationSchema HostSchema() => new ConfigurationSchema()
        .Key("Logging:Json").OpenSection("Logging:LogLevel")
        .Bind("Host", typeof(HostOptions))
        // Read by ASP.NET Core's host; the images clear it because the services bind their own address.
        .ProcessVariable("ASPNETCORE_HTTP_PORTS");

    private static string Project(string folder) =>
        Path.Combine(TestPaths.RepoRoot, "services", folder, $"RagPlatform.{folder}.csproj");

    /// <summary>The gateway maps its health endpoints as literals in SystemApi.cs; read them from there.</summary>
    private static (string Liveness, string Readiness) GatewayHealthPaths()
    {
        var source = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "services", "Gateway", "Apis", "SystemApi.cs"));
        var paths = Regex.Matches(source, "MapGet\\(\"(/[a-z]+)\"").Select(m => m.Groups[1].Value).ToList();
        return (paths.Single(p => p == "/healthz"), paths.Single(p => p == "/readyz"));
    }
}
