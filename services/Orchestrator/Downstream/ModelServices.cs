using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using RagPlatform.Contracts.Clients;
using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;

namespace RagPlatform.Orchestrator.Downstream;

/// <summary>The three model services the orchestrator depends on, each behind its resilience pipelines.</summary>
internal sealed class ModelServices : IDisposable
{
    /// <summary>How long a service's Info answer is trusted before it is asked again (a restart may load another model).</summary>
    private static readonly TimeSpan InfoLifetime = TimeSpan.FromSeconds(30);
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (ModelInfo Info, DateTimeOffset Fetched)> _infos = new(StringComparer.Ordinal);

    public ModelServices(IOptionsMonitor<DownstreamOptions> options, IOptions<GrpcServerOptions> grpc, TimeProvider time)
    {
        _time = time;
        // The internal services share one token: the one this service requires is the one it presents.
        var channel = new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024, DefaultHeaders = InternalToken.Headers(grpc.Value.SharedToken) };
        Embedder = new DownstreamService("Embedder", options.Get("Embedder"), channel, time);
        Reranker = new DownstreamService("Reranker", options.Get("Reranker"), channel, time);
        Generator = new DownstreamService("Generator", options.Get("Generator"), channel, time);
        EmbedderClient = new EmbedderClient(Embedder.Channel);
        RerankerClient = new RerankerClient(Reranker.Channel);
        GeneratorClient = new GeneratorClient(Generator.Channel);
    }

    public DownstreamService Embedder { get; }

    public DownstreamService Reranker { get; }

    public DownstreamService Generator { get; }

    public EmbedderClient EmbedderClient { get; }

    public RerankerClient RerankerClient { get; }

    public GeneratorClient GeneratorClient { get; }

    public Task<ModelInfo> EmbedderInfoAsync(DateTime deadline, CancellationToken cancellationToken) =>
        InfoAsync(Embedder, o => EmbedderClient.InfoAsync(o), deadline, cancellationToken);

    public Task<ModelInfo> RerankerInfoAsync(DateTime deadline, CancellationToken cancellationToken) =>
        InfoAsync(Reranker, o => RerankerClient.InfoAsync(o), deadline, cancellationToken);

    public Task<ModelInfo> GeneratorInfoAsync(DateTime deadline, CancellationToken cancellationToken) =>
        InfoAsync(Generator, o => GeneratorClient.InfoAsync(o), deadline, cancellationToken);

    /// <summary>The last Info a service gave, if any (for reporting forged models without a call).</summary>
    public ModelInfo? KnownInfo(DownstreamService service) => _infos.TryGetValue(service.Name, out var known) ? known.Info : null;

    public void Dispose()
    {
        Embedder.Dispose();
        Reranker.Dispose();
        Generator.Dispose();
    }

    private async Task<ModelInfo> InfoAsync(DownstreamService service, Func<CallOptions, Task<ModelInfo>> call, DateTime deadline, CancellationToken cancellationToken)
    {
        if (_infos.TryGetValue(service.Name, out var known) && _time.GetUtcNow() - known.Fetched < InfoLifetime)
        {
            return known.Info;
        }

        var info = await service.CallAsync(call, deadline, cancellationToken);
        _infos[service.Name] = (info, _time.GetUtcNow());
        return info;
    }
}
