using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using RagPlatform.Contracts.V1;
using RagPlatform.Orchestrator.Downstream;
using RagPlatform.Retrieval.Extractive;

namespace RagPlatform.Orchestrator.Answering;

/// <summary>One quoted sentence: verbatim text of passage [N] (1-based, as offered).</summary>
internal sealed record Quote(int N, string Text);

/// <summary>
/// Extractive answers: the sentences of the best passages that best answer the question (<see cref="SentenceSelector"/>:
/// the embedder's cosine to the question and lexical overlap), each quoted verbatim and followed by its citation
/// marker. No generator is called, so the answer cannot say anything the documents do not. The sentences are embedded
/// in one call; with the embedder down, or forged, they are scored by lexical overlap alone.
/// </summary>
internal sealed class ExtractiveAnswerer(ModelServices services, AnsweringOptions options, ILogger<ExtractiveAnswerer> logger)
{
    private readonly SentenceSelector _selector = new(options.Extractive);

    /// <param name="passages">The passages offered, best first: quote [n] is passages[n − 1].</param>
    /// <param name="questionVector">The question's vector from retrieval, if the embedder gave one.</param>
    public async Task<IReadOnlyList<Quote>> QuoteAsync(AskPlan plan, IReadOnlyList<RetrievedPassage> passages, float[]? questionVector,
        AnswerTrace trace, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var candidates = _selector.Candidates([.. passages.Select(p => p.Text)]);
        var vectors = questionVector is not null && candidates.Count > 1
            && (services.KnownInfo(services.Embedder) is { Forged: false } || options.RunForgedModels)
            ? await EmbedAsync(plan, candidates, trace, cancellationToken)
            : null;
        var chosen = _selector.Choose(_selector.Rank(plan.Question, vectors is null ? null : questionVector, candidates, vectors));
        IReadOnlyList<Quote> quotes = chosen.Count > 0
            ? [.. chosen.Select(s => new Quote(s.Sentence.Passage + 1, s.Sentence.Text))]
            : FirstSentence(passages);
        trace.GenerateMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return quotes;
    }

    /// <summary>No sentence qualified (fragments, a table): the best passage's first sentence, whatever its length.</summary>
    private static List<Quote> FirstSentence(IReadOnlyList<RetrievedPassage> passages) =>
        passages.Count > 0 && SentenceSplitter.Split(passages[0].Text) is [var first, ..]
            ? [new Quote(1, passages[0].Text.Substring(first.Start, first.Length))]
            : [];

    private async Task<IReadOnlyList<float[]>?> EmbedAsync(AskPlan plan, IReadOnlyList<CandidateSentence> candidates, AnswerTrace trace,
        CancellationToken cancellationToken)
    {
        try
        {
            var request = new EmbedRequest { Role = EmbedRole.Passage, Texts = { candidates.Select(c => c.Text) } };
            var response = await services.Embedder.CallAsync(o => services.EmbedderClient.EmbedAsync(request, o), plan.Deadline, cancellationToken);
            services.Observe(services.Embedder, response.ModelId);
            trace.Use(services.Embedder.Name);
            return [.. response.Embeddings.Select(e => e.Values.ToArray())];
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested && ex.StatusCode != StatusCode.Cancelled)
        {
            OrchestratorLog.StageDegraded(logger, "embed", ex.Status.Detail);
            if (!trace.Degraded.Contains("embed"))
            {
                trace.Degrade("embed");
            }

            return null;
        }
    }
}
