namespace RagPlatform.Launcher;

/// <summary>
/// What platform to run: the built hosts, the models and data, how many orchestrators and gateways, which ports, and
/// configuration on top of the wiring (environment variables in ASP.NET's form, <c>Section__Key</c>; null removes one).
/// </summary>
/// <param name="DataDirectory">
/// Holds each orchestrator's index and queue (orchestrator/, orchestrator-2/ ...) and each gateway's keys (gateway/ ...).
/// </param>
public sealed record PlatformOptions(string DataDirectory)
{
    /// <summary>The built host of each service (<see cref="ServiceHosts"/> finds them).</summary>
    public IReadOnlyDictionary<PlatformService, string> HostDlls { get; init; } = new Dictionary<PlatformService, string>();

    /// <summary>Holds one folder per model service (<see cref="PlatformServices"/>' ModelFolder: minilm-embedder/ ...).</summary>
    public string? ModelsDirectory { get; init; }

    /// <summary>A model service's own directory, overriding <see cref="ModelsDirectory"/> for it (a real embedder beside forged others).</summary>
    public IReadOnlyDictionary<PlatformService, string> ModelDirectories { get; init; } = new Dictionary<PlatformService, string>();

    /// <summary>
    /// Orchestrator replicas. More than one must share their state: set Orchestrator__Store=Postgres (with
    /// Orchestrator__PostgresConnectionString) and Orchestrator__Index=Qdrant (with Orchestrator__QdrantUrl) in
    /// <see cref="Settings"/>; each still gets its own data directory, port and health check.
    /// </summary>
    public int Orchestrators { get; init; } = 1;

    /// <summary>Gateway replicas; gateway n talks to orchestrator n (round robin when there are fewer orchestrators).</summary>
    public int Gateways { get; init; } = 1;

    /// <summary>Fixed ports; every instance not named gets a free loopback port.</summary>
    public IReadOnlyDictionary<ServiceInstance, int> Ports { get; init; } = new Dictionary<ServiceInstance, int>();

    /// <summary>The admin key every gateway accepts from its first start (Gateway:BootstrapApiKey); null lets each generate one.</summary>
    public string? ApiKey { get; init; }

    /// <summary>When set, every internal gRPC service requires it (Grpc:SharedToken).</summary>
    public string? SharedToken { get; init; }

    /// <summary>Configuration of every replica of a service, applied over the wiring.</summary>
    public IReadOnlyDictionary<PlatformService, IReadOnlyDictionary<string, string?>> Settings { get; init; } =
        new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>();

    /// <summary>Configuration of one replica, applied last (a fault injected into one of two gateways).</summary>
    public IReadOnlyDictionary<ServiceInstance, IReadOnlyDictionary<string, string?>> InstanceSettings { get; init; } =
        new Dictionary<ServiceInstance, IReadOnlyDictionary<string, string?>>();

    /// <summary>The model directory <paramref name="service"/> loads.</summary>
    public string ModelDirectory(PlatformService service) =>
        ModelDirectories.TryGetValue(service, out var own) ? own
        : ModelsDirectory is { } models && service.ModelFolder is { } folder ? Path.Combine(models, folder)
        : throw new InvalidOperationException($"No model directory for the {service.Name}: set ModelsDirectory or ModelDirectories.");
}
