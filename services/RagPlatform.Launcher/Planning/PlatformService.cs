namespace RagPlatform.Launcher;

/// <summary>The five hosts of the platform, in start order.</summary>
public enum PlatformService
{
    Embedder,
    Reranker,
    Generator,
    Orchestrator,
    Gateway,
}

/// <summary>What the launcher knows about each service: names, health check, model folder, default port, start stage.</summary>
public static class PlatformServices
{
    public static IReadOnlyList<PlatformService> All { get; } = Enum.GetValues<PlatformService>();

    /// <summary>The services that load a model (ONNX), each from its own directory.</summary>
    public static IReadOnlyList<PlatformService> ModelServices { get; } = [PlatformService.Embedder, PlatformService.Reranker, PlatformService.Generator];

    /// <summary>
    /// Start stages: a stage starts once every service of the one before is ready (the orchestrator asks the model
    /// services what they loaded; the gateway's readiness is the orchestrator's).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<PlatformService>> Stages { get; } =
        [ModelServices, [PlatformService.Orchestrator], [PlatformService.Gateway]];

    extension(PlatformService service)
    {
        /// <summary>"embedder", ...: how people, logs and state files name it.</summary>
        public string Name => service.ToString().ToLowerInvariant();

        /// <summary>Its folder under services/ and its configuration section ("Embedder").</summary>
        public string Project => service.ToString();

        public string HostDllName => $"RagPlatform.{service}.dll";

        /// <summary>The grpc.health.v1 name that must report SERVING; null for the gateway, whose readiness is GET /readyz.</summary>
        public string? HealthService => service switch
        {
            PlatformService.Orchestrator => "rag.v1.Answers",
            PlatformService.Gateway => null,
            _ => $"rag.v1.{service}",
        };

        /// <summary>The folder of a models directory it loads from (minilm-embedder/, minilm-reranker/, qwen2.5/).</summary>
        public string? ModelFolder => service switch
        {
            PlatformService.Embedder => "minilm-embedder",
            PlatformService.Reranker => "minilm-reranker",
            PlatformService.Generator => "qwen2.5",
            _ => null,
        };

        /// <summary>Where `rag up` puts it unless told otherwise.</summary>
        public int DefaultPort => service switch
        {
            PlatformService.Embedder => 50051,
            PlatformService.Reranker => 50052,
            PlatformService.Generator => 50053,
            PlatformService.Orchestrator => 50054,
            _ => 8080,
        };
    }
}

/// <summary>One process of a service. Replica 0 is "orchestrator", replica 1 "orchestrator-2", and so on.</summary>
public readonly record struct ServiceInstance(PlatformService Service, int Replica = 0)
{
    public string Name => Replica == 0 ? Service.Name : $"{Service.Name}-{Replica + 1}";

    /// <summary>The first (often only) process of <paramref name="service"/>.</summary>
    public static implicit operator ServiceInstance(PlatformService service) => new(service);

    /// <summary>"gateway" or "gateway-2"; null when <paramref name="name"/> names no instance.</summary>
    public static ServiceInstance? Parse(string name)
    {
        var dash = name.LastIndexOf('-');
        var (service, replica) = dash > 0 && int.TryParse(name.AsSpan(dash + 1), out var number) && number >= 2
            ? (name[..dash], number - 1)
            : (name, 0);
        return PlatformServices.All.Where(s => s.Name == service).Select(s => (ServiceInstance?)new ServiceInstance(s, replica)).FirstOrDefault();
    }

    public override string ToString() => Name;
}
