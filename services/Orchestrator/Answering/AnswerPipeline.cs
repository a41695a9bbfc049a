using Microsoft.Extensions.Logging;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>
/// One question, start to end: retrieve → rerank → build the prompt → generate (streamed) → cite. Each stage is its
/// own class; this method is the whole sequence. Events go to <c>emit</c> as they happen: answer deltas, then the
/// citations, then done. When nothing relevant is found the answer says so and the generator is not called.
/// </summary>
internal sealed class AnswerPipeline(
    PassageRetriever retriever,
    PassageReranker reranker,
    PromptBuilder promptBuilder,
    AnswerGenerator generator,
    ModelServices services,
    AnsweringOptions options,
    ILogger<AnswerPipeline> logger)
{
    public async Task AnswerAsync(AskPlan plan, Func<AskEvent, Task> emit, CancellationToken cancellationToken)
    {
        var trace = new AnswerTrace();
        var candidates = await retriever.RetrieveAsync(plan, trace, cancellationToken);
        var ranked = await reranker.RerankAsync(plan, candidates, trace, cancellationToken);
        if (ranked.Count == 0)
        {
            await emit(new AskEvent { Delta = new AnswerDelta { Text = options.NoAnswerText.Replace("{collection}", plan.Collection, StringComparison.Ordinal) } });
            await emit(new AskEvent { Citations = new AnswerCitations() });
            await emit(new AskEvent { Done = Done(trace, candidates.Count, 0, null, noAnswer: true) });
            return;
        }

        var prompt = await promptBuilder.BuildAsync(plan, ranked, cancellationToken);
        var markers = new CitationMarkers(prompt.Passages.Count);
        GenerationSummary? summary = null;
        await foreach (var text in generator.StreamAsync(plan, prompt, markers, trace, s => summary = s, cancellationToken))
        {
            await emit(new AskEvent { Delta = new AnswerDelta { Text = text } });
        }

        var citations = Cite(prompt.Passages, markers.Cited);
        await emit(new AskEvent { Citations = citations });
        await emit(new AskEvent { Done = Done(trace, candidates.Count, prompt.Passages.Count, summary, noAnswer: false) });
        OrchestratorLog.Answered(logger, trace.ElapsedMs, trace.RetrieveMs, trace.RerankMs, trace.GenerateMs, prompt.Passages.Count, markers.Cited.Count,
            trace.Degraded.Count == 0 ? "" : $", degraded: {string.Join(", ", trace.Degraded)}");
    }

    /// <summary>The passages the answer cites, in order of first citation, then the others it was given.</summary>
    private static AnswerCitations Cite(IReadOnlyList<RetrievedPassage> passages, IReadOnlyList<int> cited)
    {
        var citations = new AnswerCitations();
        foreach (var n in cited)
        {
            citations.Citations.Add(new Citation { Passage = passages[n - 1].ToWire(n), Referenced = true });
        }

        for (var n = 1; n <= passages.Count; n++)
        {
            if (!cited.Contains(n))
            {
                citations.Citations.Add(new Citation { Passage = passages[n - 1].ToWire(n), Referenced = false });
            }
        }

        return citations;
    }

    private AnswerDone Done(AnswerTrace trace, int retrieved, int inPrompt, GenerationSummary? summary, bool noAnswer)
    {
        var done = new AnswerDone
        {
            NoAnswer = noAnswer,
            FinishReason = summary?.FinishReason ?? FinishReason.Stop,
            ForgedModels = new[] { services.Embedder, services.Reranker, services.Generator }.Any(s => services.KnownInfo(s)?.Forged == true),
            Usage = new AnswerUsage
            {
                PromptTokens = summary?.PromptTokens ?? 0,
                CompletionTokens = summary?.CompletionTokens ?? 0,
                RetrievedPassages = retrieved,
                PromptPassages = inPrompt,
            },
            Timings = new AnswerTimings
            {
                RetrieveMs = trace.RetrieveMs,
                RerankMs = trace.RerankMs,
                GenerateMs = trace.GenerateMs,
                FirstTokenMs = trace.FirstTokenMs ?? trace.ElapsedMs,
                TotalMs = trace.ElapsedMs,
            },
        };
        done.Degraded.AddRange(trace.Degraded);
        return done;
    }
}
