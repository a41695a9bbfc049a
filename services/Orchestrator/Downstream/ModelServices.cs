using System.Collections.Concurrent;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RagPlatform.Contracts.V1;

namespace RagPlatform.Orchestrator.Downstream;

/// <summary>
/// The three model services the orchestrator depends on: each one's typed client (from the gRPC client factory, see
/// OrchestratorExtensions), the resilience pipelines its calls go through, and what each has loaded (its Info). Info is
/// refreshed off the ask path (<see cref="ModelInfoRefresher"/>: at start, then periodically, and at once when a
/// response names another model); an ask reads what is known and asks only when nothing is known yet.
/// </summary>
internal sealed class ModelServices(
    Contracts.V1.Embedder.EmbedderClient embedder,
    Contracts.V1.Reranker.RerankerClient reranker,
    Contracts.V1.Generator.GeneratorClient generator,
    IOptionsMonitor<DownstreamOptions> options,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (ModelInfo Info, DateTimeOffset Fetched)> _infos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<ModelInfo>> _fetching = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _refreshWanted = new(0, 1);

    public DownstreamService Embedder { get; } = new("Embedder", options.Get("Embedder"), time);

    public DownstreamService Reranker { get; } = new("Reranker", options.Get("Reranker"), time);

    public DownstreamService Generator { get; } = new("Generator", options.Get("Generator"), time);

    public IReadOnlyList<DownstreamService> All => [Embedder, Reranker, Generator];

    public Contracts.V1.Embedder.EmbedderClient EmbedderClient { get; } = embedder;

    public Contracts.V1.Reranker.RerankerClient RerankerClient { get; } = reranker;

    public Contracts.V1.Generator.GeneratorClient GeneratorClient { get; } = generator;

    /// <summary>How long an Info answer is trusted by <see cref="InfoAsync"/> before it is asked again.</summary>
    public static TimeSpan InfoLifetime { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The service's Info: the known one while younger than <see cref="InfoLifetime"/>, else asked now.</summary>
    public async Task<ModelInfo> InfoAsync(DownstreamService service, DateTime deadline, CancellationToken cancellationToken)
    {
        if (_infos.TryGetValue(service.Name, out var known) && time.GetUtcNow() - known.Fetched < InfoLifetime)
        {
            return known.Info;
        }

        return await FetchAsync(service, deadline, cancellationToken);
    }

    /// <summary>Asks the service for its Info now (a DescribeModels call, the refresher) and remembers the answer.</summary>
    public async Task<ModelInfo> FetchAsync(DownstreamService service, DateTime deadline, CancellationToken cancellationToken)
    {
        var info = await service.CallAsync(o => InfoCall(service, o), deadline, cancellationToken);
        _infos[service.Name] = (info, time.GetUtcNow());
        return info;
    }

    /// <summary>The last Info a service gave, if any: what an ask decides by, without a call.</summary>
    public ModelInfo? KnownInfo(DownstreamService service) => _infos.TryGetValue(service.Name, out var known) ? known.Info : null;

    /// <summary>
    /// For an ask: the known Info, or, before the service was ever reached, one fetch shared by every ask waiting for it;
    /// null when the service does not answer (the ask goes on, and the stage that needs the service degrades as usual).
    /// </summary>
    public async Task<ModelInfo?> KnownOrFetchAsync(DownstreamService service, DateTime deadline, CancellationToken cancellationToken)
    {
        if (KnownInfo(service) is { } known)
        {
            return known;
        }

        var fetch = _fetching.GetOrAdd(service.Name, _ => FetchAsync(service, deadline, CancellationToken.None));
        try
        {
            return await fetch.WaitAsync(cancellationToken);
        }
        catch (RpcException)
        {
            return null;
        }
        finally
        {
            if (fetch.IsCompleted)
            {
                _fetching.TryRemove(new KeyValuePair<string, Task<ModelInfo>>(service.Name, fetch));
            }
        }
    }

    /// <summary>
    /// Piggy-backs on a response that names its model (Embed, Rerank): another model than the known one means the
    /// service was restarted with other weights, so its Info is asked again in the background.
    /// </summary>
    public void Observe(DownstreamService service, string modelId)
    {
        if (KnownInfo(service) is { } known && !string.Equals(known.ModelId, modelId, StringComparison.Ordinal))
        {
            _infos.TryRemove(service.Name, out _);
            RequestRefresh();
        }
    }

    /// <summary>Wakes the refresher now (at most one wake-up is pending).</summary>
    public void RequestRefresh()
    {
        try
        {
            _refreshWanted.Release();
        }
        catch (SemaphoreFullException)
        {
            // A refresh is already wanted.
        }
    }

    /// <summary>Waits until a refresh is requested or <paramref name="interval"/> passes.</summary>
    public Task WaitForRefreshAsync(TimeSpan interval, CancellationToken cancellationToken) => _refreshWanted.WaitAsync(interval, cancellationToken);

    private AsyncUnaryCall<ModelInfo> InfoCall(DownstreamService service, CallOptions options) =>
        service == Embedder ? EmbedderClient.InfoAsync(new InfoRequest(), options)
        : service == Reranker ? RerankerClient.InfoAsync(new InfoRequest(), options)
        : GeneratorClient.InfoAsync(new InfoRequest(), options);
}
