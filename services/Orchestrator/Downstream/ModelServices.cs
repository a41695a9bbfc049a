using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RagPlatform.Contracts.V1;

namespace RagPlatform.Orchestrator.Downstream;

/// <summary>
/// The three model services the orchestrator depends on: each one's typed client (from the gRPC client factory, see
/// OrchestratorExtensions) and the resilience pipelines its calls go through.
/// </summary>
internal sealed class ModelServices(
    Contracts.V1.Embedder.EmbedderClient embedder,
    Contracts.V1.Reranker.RerankerClient reranker,
    Contracts.V1.Generator.GeneratorClient generator,
    IOptionsMonitor<DownstreamOptions> options,
    TimeProvider time)
{
    /// <summary>How long a service's Info answer is trusted before it is asked again (a restart may load another model).</summary>
    private static readonly TimeSpan InfoLifetime = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (ModelInfo Info, DateTimeOffset Fetched)> _infos = new(StringComparer.Ordinal);

    public DownstreamService Embedder { get; } = new("Embedder", options.Get("Embedder"), time);

    public DownstreamService Reranker { get; } = new("Reranker", options.Get("Reranker"), time);

    public DownstreamService Generator { get; } = new("Generator", options.Get("Generator"), time);

    public Contracts.V1.Embedder.EmbedderClient EmbedderClient { get; } = embedder;

    public Contracts.V1.Reranker.RerankerClient RerankerClient { get; } = reranker;

    public Contracts.V1.Generator.GeneratorClient GeneratorClient { get; } = generator;

    public Task<ModelInfo> EmbedderInfoAsync(DateTime deadline, CancellationToken cancellationToken) =>
        InfoAsync(Embedder, o => EmbedderClient.InfoAsync(new InfoRequest(), o), deadline, cancellationToken);

    public Task<ModelInfo> RerankerInfoAsync(DateTime deadline, CancellationToken cancellationToken) =>
        InfoAsync(Reranker, o => RerankerClient.InfoAsync(new InfoRequest(), o), deadline, cancellationToken);

    public Task<ModelInfo> GeneratorInfoAsync(DateTime deadline, CancellationToken cancellationToken) =>
        InfoAsync(Generator, o => GeneratorClient.InfoAsync(new InfoRequest(), o), deadline, cancellationToken);

    /// <summary>The last Info a service gave, if any (for reporting forged models without a call).</summary>
    public ModelInfo? KnownInfo(DownstreamService service) => _infos.TryGetValue(service.Name, out var known) ? known.Info : null;

    private async Task<ModelInfo> InfoAsync(DownstreamService service, Func<CallOptions, AsyncUnaryCall<ModelInfo>> call, DateTime deadline,
        CancellationToken cancellationToken)
    {
        if (_infos.TryGetValue(service.Name, out var known) && time.GetUtcNow() - known.Fetched < InfoLifetime)
        {
            return known.Info;
        }

        var info = await service.CallAsync(call, deadline, cancellationToken);
        _infos[service.Name] = (info, time.GetUtcNow());
        return info;
    }
}
