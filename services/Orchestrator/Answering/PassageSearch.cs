using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>
/// A search: the first two stages of an answer (retrieve → rerank) with the same classes, so a search and an ask over
/// the same query find the same passages. A forged reranker is skipped and a down embedder or reranker degrades the
/// search, exactly as for an ask.
/// </summary>
internal sealed class PassageSearch(PassageRetriever retriever, PassageReranker reranker, ModelServices services)
{
    public async Task<SearchPassagesResponse> SearchAsync(AskPlan plan, CancellationToken cancellationToken)
    {
        var trace = new AnswerTrace();
        var rerankerModel = plan.SkipRerank ? Task.FromResult<ModelInfo?>(null) : services.KnownOrFetchAsync(services.Reranker, plan.Deadline, cancellationToken);
        var retrieval = await retriever.RetrieveAsync(plan, trace, cancellationToken);
        var ranked = await reranker.RerankAsync(plan, retrieval.Candidates, await rerankerModel, trace, cancellationToken);
        var response = new SearchPassagesResponse
        {
            ForgedModels = services.All.Any(s => trace.Used.Contains(s.Name) && services.KnownInfo(s)?.Forged == true),
        };
        response.Passages.AddRange(ranked.Select((passage, i) => passage.ToWire(i + 1)));
        response.Degraded.AddRange(trace.Degraded);
        response.Skipped.AddRange(trace.Skipped);
        return response;
    }
}
