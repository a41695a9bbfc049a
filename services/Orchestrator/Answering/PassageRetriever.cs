using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RagPlatform.Contracts.V1;
using RagPlatform.Ingestion.Pipeline;
using RagPlatform.Orchestrator.Downstream;
using RagPlatform.Retrieval;
using RagPlatform.Retrieval.Fusion;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>The candidates found for a question, best first, and the question's vector when the embedder gave one.</summary>
internal sealed record Retrieval(IReadOnlyList<RetrievedPassage> Candidates, float[]? QuestionVector);

/// <summary>
/// Finds candidate passages: the question is embedded (Embedder) for a dense search and analysed for a BM25 search,
/// and the two rankings are fused (<see cref="AnsweringOptions.Fusing"/>, each side
/// <see cref="AnsweringOptions.FusionCandidates"/> deep). Dense hits below <see cref="AnsweringOptions.MinDenseScore"/>
/// do not count, so a question about nothing in the collection finds nothing. With the embedder down the search falls
/// back to lexical alone and the answer is marked degraded "embed".
/// </summary>
internal sealed class PassageRetriever(IPointIndex index, ModelServices services, AnsweringOptions options, ILogger<PassageRetriever> logger)
{
    private readonly HybridFusion _fusion = options.Fusing();

    public async Task<Retrieval> RetrieveAsync(AskPlan plan, AnswerTrace trace, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (await index.GetCollectionAsync(plan.Collection, cancellationToken) is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"Collection '{plan.Collection}' does not exist."));
        }

        var filter = plan.DocumentIds.Count == 0 ? null
            : PointFilter.All(FilterCondition.AnyOf(IngestionPipeline.DocumentIdField, [.. plan.DocumentIds]));
        var vector = plan.Mode == RetrievalMode.Lexical ? null : await EmbedQuestionAsync(plan, trace, cancellationToken);
        var depth = plan.Mode == RetrievalMode.Hybrid ? Math.Max(plan.TopK, options.FusionCandidates) : plan.TopK;
        var dense = vector is null ? Task.FromResult<IReadOnlyList<SearchHit>>([])
            : index.SearchAsync(plan.Collection, new SearchRequest
            {
                Mode = SearchMode.Dense, Vector = vector, Limit = depth, Filter = filter, ScoreThreshold = options.MinDenseScore,
            }, cancellationToken);
        // Lexical runs unless the caller asked for dense only and dense is available.
        var lexical = plan.Mode == RetrievalMode.Dense && vector is not null ? Task.FromResult<IReadOnlyList<SearchHit>>([])
            : index.SearchAsync(plan.Collection, new SearchRequest { Mode = SearchMode.Lexical, Text = plan.Question, Limit = depth, Filter = filter },
                cancellationToken);
        var (denseHits, lexicalHits) = (await dense, await lexical);
        trace.RetrieveMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return new Retrieval(Fuse(denseHits, lexicalHits, plan.TopK), vector);
    }

    private List<RetrievedPassage> Fuse(IReadOnlyList<SearchHit> dense, IReadOnlyList<SearchHit> lexical, int limit)
    {
        if (dense.Count == 0 || lexical.Count == 0)
        {
            return [.. dense.Concat(lexical).Take(limit).Select(hit => RetrievedPassage.From(hit, hit.Score))];
        }

        var byId = dense.Concat(lexical).GroupBy(hit => hit.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var fused = _fusion.Fuse<string>([.. dense.Select(h => new RankedHit<string>(h.Id, h.Score))],
            [.. lexical.Select(h => new RankedHit<string>(h.Id, h.Score))]);
        return [.. fused.Take(limit).Select(f => RetrievedPassage.From(byId[f.Key], f.Score))];
    }

    private async Task<float[]?> EmbedQuestionAsync(AskPlan plan, AnswerTrace trace, CancellationToken cancellationToken)
    {
        try
        {
            var request = new EmbedRequest { Role = EmbedRole.Query, Texts = { plan.Question } };
            var response = await services.Embedder.CallAsync(o => services.EmbedderClient.EmbedAsync(request, o), plan.Deadline, cancellationToken);
            services.Observe(services.Embedder, response.ModelId);
            trace.Use(services.Embedder.Name);
            return [.. response.Embeddings[0].Values];
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested && ex.StatusCode != StatusCode.Cancelled)
        {
            OrchestratorLog.StageDegraded(logger, "embed", ex.Status.Detail);
            trace.Degrade("embed");
            return null;
        }
    }
}
