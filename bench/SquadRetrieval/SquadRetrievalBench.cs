using System.Diagnostics;
using RagPlatform.Evaluation.Metrics;
using RagPlatform.Retrieval;
using RagPlatform.Retrieval.Fusion;

namespace RagPlatform.Bench.SquadRetrieval;

/// <summary>
/// Retrieval quality on SQuAD dev: every answerable question is asked in each search mode and the paragraph it was
/// written about is the one relevant result. Prints one JSON line per mode with hit@1/5/10/20 and MRR over the top 20.
/// "hybrid" fuses the dense and lexical rankings as the orchestrator does with its shipped defaults
/// (<see cref="HybridFusion.Default"/>, <see cref="HybridFusion.DefaultCandidates"/> a side, dense hits under the
/// orchestrator's dense floor dropped); "hybrid-index" is the index's own hybrid mode (reciprocal rank, k=60).
/// </summary>
internal static class SquadRetrievalBench
{
    public const int Depth = 20;

    /// <summary>Answering:MinDenseScore's default: dense hits under it are dropped before fusing.</summary>
    public const float DenseFloor = 0.2f;

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        await using var corpus = await SquadCorpus.OpenAsync(args, cancellationToken);
        var squad = corpus.Squad;
        BenchArguments.Emit(new
        {
            command = "squad",
            model = corpus.Embedder.Model.ModelId,
            forged = corpus.Embedder.Model.Forged,
            paragraphs = squad.Paragraphs.Count,
            questions = corpus.Asked.Count,
            ofQuestions = squad.Questions.Count,
            unanswerable = squad.UnanswerableQuestions,
            truncatedParagraphs = corpus.TruncatedParagraphs,
            maxTokens = corpus.Embedder.MaxTokens,
            paragraphsPerSecond = corpus.ParagraphsPerSecond,
            questionsPerSecond = corpus.QuestionsPerSecond,
            fusion = HybridFusion.Default.ToString(),
            fusionCandidates = HybridFusion.DefaultCandidates,
        });

        var clock = Stopwatch.StartNew();
        var searches = await QuestionSearch.RunAsync(corpus, HybridFusion.DefaultCandidates, DenseFloor, cancellationToken);
        var searchSeconds = clock.Elapsed.TotalSeconds;
        Emit("lexical", corpus, searches.Select(s => s.Lexical.Select(h => h.Key)), searchSeconds);
        Emit("dense", corpus, searches.Select(s => s.Dense.Select(h => h.Key)), searchSeconds);
        Emit("hybrid", corpus, searches.Select(s => HybridFusion.Default.Fuse(s.Dense, s.Lexical).Select(f => f.Key)), searchSeconds);

        clock.Restart();
        var indexHybrid = new List<IEnumerable<string>>();
        for (var i = 0; i < corpus.Asked.Count; i++)
        {
            var hits = await corpus.Index.SearchAsync(SquadCorpus.Collection, new SearchRequest
            {
                Mode = SearchMode.Hybrid,
                Text = corpus.Asked[i].Text,
                Vector = corpus.QuestionVectors[i],
                Limit = Depth,
            }, cancellationToken);
            indexHybrid.Add(hits.Select(h => h.Id));
        }

        Emit("hybrid-index", corpus, indexHybrid, clock.Elapsed.TotalSeconds);

        // What a ranking that ignores the question scores: the floor that tells noise from signal.
        BenchArguments.Emit(new
        {
            mode = "chance",
            questions = corpus.Asked.Count,
            hitAt1 = 1.0 / squad.Paragraphs.Count,
            hitAt5 = 5.0 / squad.Paragraphs.Count,
            hitAt10 = 10.0 / squad.Paragraphs.Count,
            hitAt20 = 20.0 / squad.Paragraphs.Count,
            mrrAt20 = Enumerable.Range(1, Depth).Sum(r => 1.0 / r) / squad.Paragraphs.Count,
        });
        return 0;
    }

    /// <summary>hit@k and MRR@20 of one ranking per asked question.</summary>
    public static RetrievalScores Score(SquadCorpus corpus, IEnumerable<IEnumerable<string>> rankings, IEnumerable<int>? only = null)
    {
        var evaluation = new RetrievalEvaluation();
        var list = rankings.ToList();
        foreach (var i in only ?? Enumerable.Range(0, list.Count))
        {
            evaluation.Add(list[i].Take(Depth), corpus.Asked[i].ParagraphId);
        }

        return evaluation.Scores;
    }

    private static void Emit(string mode, SquadCorpus corpus, IEnumerable<IEnumerable<string>> rankings, double seconds)
    {
        var scores = Score(corpus, rankings);
        BenchArguments.Emit(new
        {
            mode,
            questions = scores.Queries,
            hitAt1 = scores.HitAt(1),
            hitAt5 = scores.HitAt(5),
            hitAt10 = scores.HitAt(10),
            hitAt20 = scores.HitAt(20),
            mrrAt20 = scores.MeanReciprocalRank,
            searchesPerSecond = scores.Queries / seconds,
        });
    }
}

/// <summary>One question's dense and lexical rankings with their scores, as the orchestrator gets them from the index.</summary>
internal sealed record QuestionSearch(IReadOnlyList<RankedHit<string>> Dense, IReadOnlyList<RankedHit<string>> Lexical)
{
    /// <summary>Both searches of every asked question, <paramref name="depth"/> deep, dense hits under <paramref name="denseFloor"/> dropped.</summary>
    public static async Task<List<QuestionSearch>> RunAsync(SquadCorpus corpus, int depth, float denseFloor, CancellationToken cancellationToken)
    {
        var searches = new List<QuestionSearch>(corpus.Asked.Count);
        for (var i = 0; i < corpus.Asked.Count; i++)
        {
            var dense = await corpus.Index.SearchAsync(SquadCorpus.Collection, new SearchRequest
            {
                Mode = SearchMode.Dense, Vector = corpus.QuestionVectors[i], Limit = depth, ScoreThreshold = denseFloor,
            }, cancellationToken);
            var lexical = await corpus.Index.SearchAsync(SquadCorpus.Collection, new SearchRequest
            {
                Mode = SearchMode.Lexical, Text = corpus.Asked[i].Text, Limit = depth,
            }, cancellationToken);
            searches.Add(new QuestionSearch([.. dense.Select(h => new RankedHit<string>(h.Id, h.Score))],
                [.. lexical.Select(h => new RankedHit<string>(h.Id, h.Score))]));
        }

        return searches;
    }
}
