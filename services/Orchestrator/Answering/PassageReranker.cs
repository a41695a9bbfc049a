using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>
/// Orders the candidates with the cross-encoder (Reranker) and keeps the best top_n. A reranker with forged weights
/// is not called (unless Answering:RunForgedModels): its order would be noise, so the candidates keep their retrieval
/// order and the answer says the stage was skipped and why. With the reranker down the candidates keep their retrieval order too and the answer is marked
/// degraded "rerank": slower to trust, still useful.
/// </summary>
internal sealed class PassageReranker(ModelServices services, AnsweringOptions options, ILogger<PassageReranker> logger)
{
    public const string Stage = "rerank";

    /// <param name="model">What the reranker serves, when known: a forged model is skipped.</param>
    public async Task<IReadOnlyList<RetrievedPassage>> RerankAsync(AskPlan plan, IReadOnlyList<RetrievedPassage> candidates, ModelInfo? model,
        AnswerTrace trace, CancellationToken cancellationToken)
    {
        if (plan.SkipRerank || candidates.Count == 0)
        {
            return [.. candidates.Take(plan.TopN)];
        }

        if (model is { Forged: true } && !options.RunForgedModels)
        {
            var reason = $"the reranker's weights ({model.ModelId}) are forged (seeded random): its order would be noise, so passages keep their retrieval order";
            OrchestratorLog.StageSkipped(logger, Stage, reason);
            trace.Skip(Stage, reason);
            return [.. candidates.Take(plan.TopN)];
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var request = new RerankRequest { Query = plan.Question, TopN = plan.TopN };
            request.Passages.AddRange(candidates.Select(c => c.Text));
            var response = await services.Reranker.CallAsync(o => services.RerankerClient.RerankAsync(request, o), plan.Deadline, cancellationToken);
            services.Observe(services.Reranker, response.ModelId);
            trace.Use(services.Reranker.Name);
            return [.. response.Results
                .Where(r => r.Index >= 0 && r.Index < candidates.Count && (options.MinRerankScore is not { } floor || r.Score >= floor))
                .Select(r => candidates[r.Index] with { Score = r.Score })];
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested && ex.StatusCode != StatusCode.Cancelled)
        {
            OrchestratorLog.StageDegraded(logger, Stage, ex.Status.Detail);
            trace.Degrade(Stage);
            return [.. candidates.Take(plan.TopN)];
        }
        finally
        {
            trace.RerankMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
    }
}
