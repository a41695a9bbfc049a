using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RagPlatform.Contracts.V1;
using RagPlatform.Inference.Reranking;
using RagPlatform.ModelHosting;

namespace RagPlatform.Reranker.Services;

/// <summary>
/// rag.v1.Reranker: validates each call as reranker.proto promises, scores its pairs (the cross-encoder splits them
/// into batches and truncates passages, never the query) and returns them best first.
/// </summary>
internal sealed class RerankerService : Contracts.V1.Reranker.RerankerBase, IDisposable
{
    private readonly ModelHost<CrossEncoder> _model;
    private readonly RerankerOptions _options;
    private readonly ModelServiceMetrics _metrics;
    private readonly ILogger<RerankerService> _logger;
    private readonly SemaphoreSlim _slots;
    private int _waiting;

    public RerankerService(ModelHost<CrossEncoder> model, IOptions<RerankerOptions> options, ModelServiceMetrics metrics, ILogger<RerankerService> logger)
    {
        _model = model;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.MaxConcurrentRequests, _options.MaxConcurrentRequests);
        metrics.ObserveQueueDepth(() => Volatile.Read(ref _waiting));
    }

    public override Task<RerankResponse> Rerank(RerankRequest request, ServerCallContext context)
        => RerankCoreAsync(request, context.CancellationToken);

    public override Task<ModelInfo> Info(InfoRequest request, ServerCallContext context) => Task.FromResult(_model.Info);

    public void Dispose() => _slots.Dispose();

    private async Task<RerankResponse> RerankCoreAsync(RerankRequest request, CancellationToken cancellationToken)
    {
        var encoder = _model.Model;
        Validate(request);
        var response = new RerankResponse { ModelId = encoder.Model.ModelId };
        if (request.Passages.Count == 0)
        {
            return response;
        }

        var scores = await ScoreAsync(encoder, request, cancellationToken);
        var ranked = Enumerable.Range(0, scores.Count)
            .OrderByDescending(i => scores[i].Score)
            .ThenBy(i => i)
            .Take(request.TopN == 0 ? scores.Count : request.TopN);
        response.Results.AddRange(ranked.Select(i => new RerankResult { Index = i, Score = scores[i].Score, Truncated = scores[i].Truncated }));
        return response;
    }

    private async Task<IReadOnlyList<PairScore>> ScoreAsync(CrossEncoder encoder, RerankRequest request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        try
        {
            var clock = Stopwatch.StartNew();
            var scores = await Task.Run(() => encoder.Score(request.Query, request.Passages, request.Normalize, cancellationToken), cancellationToken);
            _metrics.RecordBatch(scores.Count);
            RerankerLog.Scored(_logger, scores.Count, clock.ElapsedMilliseconds);
            return scores;
        }
        catch (ArgumentException ex) when (ex.ParamName == "query")
        {
            // The query alone fills the model's token limit; the proto promises INVALID_ARGUMENT, never truncation.
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message.Split(" (Parameter")[0]));
        }
        finally
        {
            _slots.Release();
        }
    }

    private void Validate(RerankRequest request)
    {
        if (request.Query.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "query is empty."));
        }

        if (request.Query.Length > _options.MaxCharactersPerText)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"query has {request.Query.Length} characters; this server accepts at most {_options.MaxCharactersPerText}."));
        }

        if (request.TopN < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"top_n is {request.TopN}; it must be 0 (all results) or positive."));
        }

        if (request.Passages.Count > _options.MaxPassages)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"passages has {request.Passages.Count} entries; this server accepts at most {_options.MaxPassages} per call. Split the call."));
        }

        for (var i = 0; i < request.Passages.Count; i++)
        {
            if (request.Passages[i].Length > _options.MaxCharactersPerText)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument,
                    $"passages[{i}] has {request.Passages[i].Length} characters; this server accepts at most {_options.MaxCharactersPerText}."));
            }
        }
    }
}
