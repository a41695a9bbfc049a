using Grpc.Core;
using Microsoft.Extensions.Options;
using RagPlatform.Contracts.V1;
using RagPlatform.Inference.Reranking;
using RagPlatform.ModelHosting;
using RagPlatform.ModelHosting.Batching;

namespace RagPlatform.Reranker.Services;

/// <summary>
/// rag.v1.Reranker: validates each call as reranker.proto promises, hands its pairs to the batcher (concurrent calls
/// are scored together; the cross-encoder runs pairs of similar length together and truncates passages, never the
/// query) and returns them best first.
/// </summary>
internal sealed class RerankerService(ModelHost<CrossEncoder> model, ModelBatcher<(string Query, string Passage), PairScore> batcher,
    IOptions<RerankerOptions> options) : Contracts.V1.Reranker.RerankerBase
{
    private readonly RerankerOptions _options = options.Value;

    public override async Task<RerankResponse> Rerank(RerankRequest request, ServerCallContext context)
    {
        var encoder = model.Model;
        Validate(request, encoder);
        var response = new RerankResponse { ModelId = encoder.Model.ModelId };
        if (request.Passages.Count == 0)
        {
            return response;
        }

        var scores = await batcher.SubmitAsync([.. request.Passages.Select(p => (request.Query, p))], context.CancellationToken);
        var ranked = Enumerable.Range(0, scores.Length)
            .OrderByDescending(i => scores[i].Score)
            .ThenBy(i => i)
            .Take(request.TopN == 0 ? scores.Length : request.TopN);
        response.Results.AddRange(ranked.Select(i => new RerankResult
        {
            Index = i,
            // Logits are batched raw; the sigmoid is this call's own choice.
            Score = request.Normalize ? 1f / (1f + MathF.Exp(-scores[i].Score)) : scores[i].Score,
            Truncated = scores[i].Truncated,
        }));
        return response;
    }

    public override Task<ModelInfo> Info(InfoRequest request, ServerCallContext context) => Task.FromResult(model.Info);

    private void Validate(RerankRequest request, CrossEncoder encoder)
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

        try
        {
            // Checked here, not in the batch: one call's over-long query must not fail the calls batched with it.
            encoder.EnsureQueryFits(request.Query);
        }
        catch (ArgumentException ex) when (ex.ParamName == "query")
        {
            // The query alone fills the model's token limit; the proto promises INVALID_ARGUMENT, never truncation.
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message.Split(" (Parameter")[0]));
        }
    }
}
