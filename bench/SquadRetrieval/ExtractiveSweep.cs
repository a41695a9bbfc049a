using System.Globalization;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Retrieval.Extractive;
using RagPlatform.Retrieval.Fusion;

namespace RagPlatform.Bench.SquadRetrieval;

/// <summary>
/// How extractive answers pick their sentences, on SQuAD dev: each question's passages are the best of the shipped
/// hybrid ranking, their sentences are scored by every weight of the grid, and an answer counts when its top sentence
/// holds a gold answer (case-insensitive). One JSON line per setting, the shipped one marked; sentence vectors are
/// embedded once per paragraph.
/// </summary>
internal static class ExtractiveSweep
{
    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        await using var corpus = await SquadCorpus.OpenAsync(args, cancellationToken);
        var shipped = new ExtractiveSettings();
        var searches = await QuestionSearch.RunAsync(corpus, HybridFusion.DefaultCandidates, SquadRetrievalBench.DenseFloor, cancellationToken);
        var paragraphs = corpus.Squad.Paragraphs.ToDictionary(p => p.Id, p => p.Text, StringComparer.Ordinal);

        // Every candidate sentence of every paragraph, embedded once.
        var perParagraph = new SentenceSelector(shipped with { MaxPassages = 1, MaxCandidates = int.MaxValue / 2 });
        var sentences = corpus.Squad.Paragraphs.SelectMany(p => perParagraph.Candidates([p.Text]).Select(c => (p.Id, c))).ToList();
        var vectors = corpus.Embed([.. sentences.Select(s => s.c.Text)], EmbeddingRole.Passage, "sentences", cancellationToken);
        var vectorOf = sentences.Select((s, i) => (s, i)).ToDictionary(x => (x.s.Id, x.s.c.Span.Start), x => vectors[x.i]);

        var settings = new List<ExtractiveSettings>();
        foreach (var weight in new[] { 0f, 0.25f, 0.4f, 0.5f, 0.6f, 0.75f, 1f })
        {
            foreach (var prior in new[] { 0f, 0.05f, 0.1f, 0.2f })
            {
                settings.Add(shipped with { DenseWeight = weight, RankPrior = prior });
            }
        }

        var goldInPassages = 0;
        var hits = new int[settings.Count];
        for (var q = 0; q < corpus.Asked.Count; q++)
        {
            var question = corpus.Asked[q];
            var ranked = HybridFusion.Default.Fuse(searches[q].Dense, searches[q].Lexical).Take(shipped.MaxPassages).Select(f => f.Key).ToList();
            goldInPassages += ranked.Contains(question.ParagraphId) ? 1 : 0;
            var selector = new SentenceSelector(shipped);
            var candidates = selector.Candidates([.. ranked.Select(id => paragraphs[id])]);
            var candidateVectors = candidates.Select(c => vectorOf[(ranked[c.Passage], c.Span.Start)]).ToList();
            for (var s = 0; s < settings.Count; s++)
            {
                var top = new SentenceSelector(settings[s]).Rank(question.Text, corpus.QuestionVectors[q], candidates, candidateVectors).FirstOrDefault();
                hits[s] += top is not null && question.Answers.Any(a => top.Sentence.Text.Contains(a.Trim(), StringComparison.OrdinalIgnoreCase)) ? 1 : 0;
            }
        }

        for (var s = 0; s < settings.Count; s++)
        {
            BenchArguments.Emit(new
            {
                setting = string.Create(CultureInfo.InvariantCulture, $"dense={settings[s].DenseWeight:0.0#} prior={settings[s].RankPrior:0.0#}"),
                shipped = settings[s].DenseWeight == shipped.DenseWeight && settings[s].RankPrior == shipped.RankPrior,
                questions = corpus.Asked.Count,
                topSentenceHoldsGold = (double)hits[s] / corpus.Asked.Count,
                goldParagraphInPassages = (double)goldInPassages / corpus.Asked.Count,
            });
        }

        return 0;
    }
}
