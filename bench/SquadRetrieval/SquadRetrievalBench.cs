using System.Diagnostics;
using RagPlatform.Evaluation.Metrics;
using RagPlatform.Evaluation.Squad;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Retrieval;

namespace RagPlatform.Bench.SquadRetrieval;

/// <summary>
/// Retrieval quality on SQuAD dev: every paragraph becomes one point (its embedding, its text for BM25), every
/// answerable question is asked in each search mode, and the paragraph it was written about is the one relevant
/// result. Prints one JSON line per mode with hit@1/5/10/20 and MRR over the top 20.
/// </summary>
internal static class SquadRetrievalBench
{
    private const string Collection = "squad";
    private const int Depth = 20;

    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        var squad = await SquadDataset.LoadAsync(args.String("squad"), cancellationToken);
        // --limit N: N questions spread over the whole set (every paragraph stays a candidate), for a quick check.
        var limit = Math.Min(args.Int("limit", squad.Questions.Count), squad.Questions.Count);
        if (limit < 1)
        {
            throw new ArgumentException("--limit must be at least 1.");
        }

        var asked = Enumerable.Range(0, limit).Select(i => squad.Questions[(int)((long)i * squad.Questions.Count / limit)]).ToList();
        var work = Path.GetFullPath(args.String("work"));
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }

        var sessions = OnnxSessionFactory.Create();
        using var embedder = TextEmbedder.Open(sessions, ModelDirectory.Load(args.String("model")), new TextEmbedderOptions
        {
            Session = new InferenceSessionOptions { IntraOpThreads = args.Int("threads"), InterOpThreads = 1 },
        });

        var clock = Stopwatch.StartNew();
        var passages = embedder.Embed([.. squad.Paragraphs.Select(p => p.Text)], EmbeddingRole.Passage, cancellationToken);
        var passageSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var queries = embedder.Embed([.. asked.Select(q => q.Text)], EmbeddingRole.Query, cancellationToken);
        var querySeconds = clock.Elapsed.TotalSeconds;

        await using var index = await EmbeddedIndex.OpenAsync(new EmbeddedIndexOptions { RootDirectory = work }, cancellationToken: cancellationToken);
        await index.CreateCollectionAsync(new CollectionSpec(Collection, embedder.Dimensions), cancellationToken);
        var points = squad.Paragraphs.Select((p, i) => new IndexPoint
        {
            Id = p.Id,
            Vector = passages[i].Vector,
            Text = p.Text,
            Payload = new Dictionary<string, PayloadValue> { ["title"] = p.ArticleTitle },
        }).ToList();
        foreach (var batch in points.Chunk(500))
        {
            await index.UpsertAsync(Collection, batch, cancellationToken);
        }

        BenchArguments.Emit(new
        {
            command = "squad",
            model = embedder.Model.ModelId,
            forged = embedder.Model.Forged,
            paragraphs = squad.Paragraphs.Count,
            questions = asked.Count,
            ofQuestions = squad.Questions.Count,
            unanswerable = squad.UnanswerableQuestions,
            truncatedParagraphs = passages.Count(p => p.Truncated),
            maxTokens = embedder.MaxTokens,
            paragraphsPerSecond = squad.Paragraphs.Count / passageSeconds,
            questionsPerSecond = asked.Count / querySeconds,
        });

        foreach (var mode in new[] { SearchMode.Lexical, SearchMode.Dense, SearchMode.Hybrid })
        {
            var evaluation = new RetrievalEvaluation();
            clock.Restart();
            for (var i = 0; i < asked.Count; i++)
            {
                var question = asked[i];
                var hits = await index.SearchAsync(Collection, new SearchRequest
                {
                    Mode = mode,
                    Text = question.Text,
                    Vector = queries[i].Vector,
                    Limit = Depth,
                }, cancellationToken);
                evaluation.Add(hits.Select(h => h.Id), question.ParagraphId);
            }

            var scores = evaluation.Scores;
            BenchArguments.Emit(new
            {
                mode = mode.ToString().ToLowerInvariant(),
                questions = scores.Queries,
                hitAt1 = scores.HitAt(1),
                hitAt5 = scores.HitAt(5),
                hitAt10 = scores.HitAt(10),
                hitAt20 = scores.HitAt(20),
                mrrAt20 = scores.MeanReciprocalRank,
                searchesPerSecond = scores.Queries / clock.Elapsed.TotalSeconds,
            });
        }

        // What a ranking that ignores the question scores: the floor that tells noise from signal.
        BenchArguments.Emit(new
        {
            mode = "chance",
            questions = asked.Count,
            hitAt1 = 1.0 / squad.Paragraphs.Count,
            hitAt5 = 5.0 / squad.Paragraphs.Count,
            hitAt10 = 10.0 / squad.Paragraphs.Count,
            hitAt20 = 20.0 / squad.Paragraphs.Count,
            mrrAt20 = Enumerable.Range(1, Depth).Sum(r => 1.0 / r) / squad.Paragraphs.Count,
        });
        return 0;
    }
}
