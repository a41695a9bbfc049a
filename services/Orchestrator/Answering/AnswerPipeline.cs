using Microsoft.Extensions.Logging;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Downstream;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>
/// One question, start to end: retrieve → rerank → (build the prompt → generate, streamed | quote sentences) → cite.
/// Each stage is its own class; this method is the whole sequence. Events go to <c>emit</c> as they happen: answer
/// deltas, then the citations, then done. When nothing relevant is found the answer says so and nothing is generated.
/// A model with forged weights never spoils an answer: a forged reranker is skipped, and a forged generator gives way
/// to an extractive answer (unless the caller asked for a generative one); the answer lists what was skipped and why.
/// </summary>
internal sealed class AnswerPipeline(
    PassageRetriever retriever,
    PassageReranker reranker,
    PromptBuilder promptBuilder,
    AnswerGenerator generator,
    ExtractiveAnswerer extractive,
    ModelServices services,
    AnsweringOptions options,
    ILogger<AnswerPipeline> logger)
{
    public const string GenerateStage = "generate";

    public async Task AnswerAsync(AskPlan plan, Func<AskEvent, Task> emit, CancellationToken cancellationToken)
    {
        var trace = new AnswerTrace();
        // What the reranker and the generator serve is normally known already (ModelInfoRefresher); right after a
        // start it is learnt alongside retrieval, not after it.
        var rerankerModel = plan.SkipRerank ? Task.FromResult<ModelInfo?>(null) : services.KnownOrFetchAsync(services.Reranker, plan.Deadline, cancellationToken);
        var generatorModel = plan.Answer == AnswerKind.Extractive ? Task.FromResult<ModelInfo?>(null)
            : services.KnownOrFetchAsync(services.Generator, plan.Deadline, cancellationToken);
        var retrieval = await retriever.RetrieveAsync(plan, trace, cancellationToken);
        var ranked = await reranker.RerankAsync(plan, retrieval.Candidates, await rerankerModel, trace, cancellationToken);
        var kind = Kind(plan, await generatorModel, trace);
        if (ranked.Count == 0)
        {
            await emit(new AskEvent { Delta = new AnswerDelta { Text = options.NoAnswerText.Replace("{collection}", plan.Collection, StringComparison.Ordinal) } });
            await emit(new AskEvent { Citations = new AnswerCitations() });
            await emit(new AskEvent { Done = Done(trace, kind, retrieval.Candidates.Count, 0, null, noAnswer: true) });
            return;
        }

        var (passages, cited, summary) = kind == AnswerKind.Extractive
            ? await QuoteAsync(plan, ranked, retrieval.QuestionVector, trace, emit, cancellationToken)
            : await GenerateAsync(plan, ranked, await generatorModel, trace, emit, cancellationToken);
        await emit(new AskEvent { Citations = Cite(passages, cited) });
        await emit(new AskEvent { Done = Done(trace, kind, retrieval.Candidates.Count, passages.Count, summary, noAnswer: false) });
        OrchestratorLog.Answered(logger, trace.ElapsedMs, trace.RetrieveMs, trace.RerankMs, trace.GenerateMs, passages.Count, cited.Count,
            (trace.Degraded.Count == 0 ? "" : $", degraded: {string.Join(", ", trace.Degraded)}")
            + (trace.Skipped.Count == 0 ? "" : $", skipped: {string.Join(", ", trace.Skipped.Select(s => s.Stage))}"));
    }

    /// <summary>Extractive when asked for, or by default when the generator's weights are forged; else generative.</summary>
    private AnswerKind Kind(AskPlan plan, ModelInfo? generatorModel, AnswerTrace trace)
    {
        if (plan.Answer != AnswerKind.Unspecified)
        {
            return plan.Answer;
        }

        if (generatorModel is not { Forged: true } || options.RunForgedModels)
        {
            return AnswerKind.Generative;
        }

        var reason = $"the generator's weights ({generatorModel.ModelId}) are forged (seeded random): it would write noise, so the answer quotes the passages";
        OrchestratorLog.StageSkipped(logger, GenerateStage, reason);
        trace.Skip(GenerateStage, reason);
        return AnswerKind.Extractive;
    }

    private async Task<(IReadOnlyList<RetrievedPassage>, IReadOnlyList<int>, GenerationSummary?)> QuoteAsync(AskPlan plan,
        IReadOnlyList<RetrievedPassage> ranked, float[]? questionVector, AnswerTrace trace, Func<AskEvent, Task> emit, CancellationToken cancellationToken)
    {
        var quotes = await extractive.QuoteAsync(plan, ranked, questionVector, trace, cancellationToken);
        var cited = new List<int>();
        for (var i = 0; i < quotes.Count; i++)
        {
            trace.FirstToken();
            await emit(new AskEvent { Delta = new AnswerDelta { Text = $"{(i == 0 ? "" : " ")}{quotes[i].Text} [{quotes[i].N}]" } });
            if (!cited.Contains(quotes[i].N))
            {
                cited.Add(quotes[i].N);
            }
        }

        return (ranked, cited, null);
    }

    private async Task<(IReadOnlyList<RetrievedPassage>, IReadOnlyList<int>, GenerationSummary?)> GenerateAsync(AskPlan plan,
        IReadOnlyList<RetrievedPassage> ranked, ModelInfo? generatorModel, AnswerTrace trace, Func<AskEvent, Task> emit, CancellationToken cancellationToken)
    {
        // The generator never answered: asking it for its model now says why (UNAVAILABLE, naming the service).
        var model = generatorModel ?? await services.FetchAsync(services.Generator, plan.Deadline, cancellationToken);
        var prompt = await promptBuilder.BuildAsync(plan, ranked, model, cancellationToken);
        var markers = new CitationMarkers(prompt.Passages.Count);
        GenerationSummary? summary = null;
        await foreach (var text in generator.StreamAsync(plan, prompt, markers, trace, s => summary = s, cancellationToken))
        {
            await emit(new AskEvent { Delta = new AnswerDelta { Text = text } });
        }

        trace.Use(services.Generator.Name);
        return (prompt.Passages, markers.Cited, summary);
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

    private AnswerDone Done(AnswerTrace trace, AnswerKind kind, int retrieved, int offered, GenerationSummary? summary, bool noAnswer)
    {
        var done = new AnswerDone
        {
            NoAnswer = noAnswer,
            AnswerKind = kind,
            FinishReason = summary?.FinishReason ?? FinishReason.Stop,
            ForgedModels = services.All.Any(s => trace.Used.Contains(s.Name) && services.KnownInfo(s)?.Forged == true),
            Usage = new AnswerUsage
            {
                PromptTokens = summary?.PromptTokens ?? 0,
                CompletionTokens = summary?.CompletionTokens ?? 0,
                RetrievedPassages = retrieved,
                PromptPassages = offered,
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
        done.Skipped.AddRange(trace.Skipped);
        return done;
    }
}
