namespace RagPlatform.Cli.Platform;

/// <summary>
/// One of the five hosts `rag up` starts. <see cref="HealthService"/> is the grpc.health.v1 name that must report
/// SERVING (null for the gateway, whose readiness is GET /readyz); <see cref="ModelFolder"/> is the folder under the
/// models directory a model service loads.
/// </summary>
internal sealed record PlatformService(string Name, string Project, string? HealthService, string? ModelFolder, int DefaultPort)
{
    public string AssemblyName => "RagPlatform." + Project;

    public bool IsGateway => HealthService is null;

    public static PlatformService Embedder { get; } = new("embedder", "Embedder", "rag.v1.Embedder", "minilm-embedder", 50051);

    public static PlatformService Reranker { get; } = new("reranker", "Reranker", "rag.v1.Reranker", "minilm-reranker", 50052);

    public static PlatformService Generator { get; } = new("generator", "Generator", "rag.v1.Generator", "qwen2.5", 50053);

    public static PlatformService Orchestrator { get; } = new("orchestrator", "Orchestrator", "rag.v1.Answers", null, 50054);

    public static PlatformService Gateway { get; } = new("gateway", "Gateway", null, null, 8080);

    public static IReadOnlyList<PlatformService> ModelServices { get; } = [Embedder, Reranker, Generator];

    /// <summary>In start order: the model services, then the orchestrator over them, then the gateway in front.</summary>
    public static IReadOnlyList<PlatformService> All { get; } = [Embedder, Reranker, Generator, Orchestrator, Gateway];

    /// <summary>
    /// Start stages: a stage starts once every service of the one before is healthy, as in the tests'
    /// RunningPlatform (the orchestrator asks the model services what they loaded; the gateway needs the orchestrator).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<PlatformService>> Stages { get; } = [ModelServices, [Orchestrator], [Gateway]];
}
