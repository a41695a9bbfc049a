using System.Globalization;
using RagPlatform.Evaluation.Metrics;
using RagPlatform.Retrieval.Fusion;

namespace RagPlatform.Bench.SquadRetrieval;

/// <summary>
/// How dense and lexical rankings are best fused, on SQuAD dev: each question's two rankings are fetched once,
/// --depth deep, then every rule and weight of the grid fuses them, at several candidate depths. One JSON line per
/// setting with hit@1/5/20 and MRR@20 on all questions and on the even and odd halves (a setting chosen on one half can
/// be checked on the other), then the lexical baseline, then the best setting by hit@1 + hit@5 among those that keep
/// hybrid hit@1 at least lexical's and hit@5 at least 0.97.
/// </summary>
internal static class FusionSweep
{
    public static async Task<int> RunAsync(BenchArguments args, CancellationToken cancellationToken)
    {
        await using var corpus = await SquadCorpus.OpenAsync(args, cancellationToken);
        var floor = (float)args.Double("min-dense", SquadRetrievalBench.DenseFloor);
        int[] depths = args.Optional("depths") is null ? [20, 50, 100] : args.Ints("depths");
        var searches = await QuestionSearch.RunAsync(corpus, depths.Max(), floor, cancellationToken);
        if (args.Optional("dump") is { } dump)
        {
            // Every question's two rankings, for exploring rules outside this grid.
            await File.WriteAllLinesAsync(dump, searches.Select((s, i) => System.Text.Json.JsonSerializer.Serialize(new
            {
                gold = corpus.Asked[i].ParagraphId,
                dense = s.Dense.Select(h => new object[] { h.Key, h.Score }),
                lexical = s.Lexical.Select(h => new object[] { h.Key, h.Score }),
            })), cancellationToken);
        }

        var even = Enumerable.Range(0, corpus.Asked.Count).Where(i => i % 2 == 0).ToList();
        var odd = Enumerable.Range(0, corpus.Asked.Count).Where(i => i % 2 == 1).ToList();

        var lexical = Result("lexical", null, searches.Select(s => s.Lexical.Select(h => h.Key)));
        var results = new List<SweepResult>();
        foreach (var depth in depths)
        {
            foreach (var fusion in Grid())
            {
                var rankings = searches.Select(s => fusion.Fuse([.. s.Dense.Take(depth)], [.. s.Lexical.Take(depth)]).Select(f => f.Key));
                results.Add(Result(Describe(fusion, depth), fusion, rankings));
            }
        }

        foreach (var result in results.Append(lexical))
        {
            BenchArguments.Emit(result.ToJson());
        }

        var eligible = results.Where(r => r.All.HitAt(1) >= lexical.All.HitAt(1) && r.All.HitAt(5) >= 0.97).ToList();
        var best = (eligible.Count > 0 ? eligible : results).MaxBy(r => r.All.HitAt(1) + r.All.HitAt(5))!;
        var bestOnEven = results.MaxBy(r => r.Even.HitAt(1) + r.Even.HitAt(5))!;
        BenchArguments.Emit(new { best = best.Setting, meetsGoal = eligible.Count > 0, all = best.ToJson() });
        var shipped = results.FirstOrDefault(r => r.Setting == Describe(HybridFusion.Default, HybridFusion.DefaultCandidates));
        BenchArguments.Emit(new
        {
            bestOnEvenHalf = bestOnEven.Setting,
            oddHalf = Figures(bestOnEven.Odd),
            shipped = shipped?.Setting,
            shippedAll = shipped is null ? null : Figures(shipped.All),
            shippedOnOddHalf = shipped is null ? null : Figures(shipped.Odd),
        });
        return 0;

        SweepResult Result(string setting, HybridFusion? fusion, IEnumerable<IEnumerable<string>> rankings)
        {
            var list = rankings.Select(r => r.ToList()).ToList();
            return new SweepResult(setting, SquadRetrievalBench.Score(corpus, list), SquadRetrievalBench.Score(corpus, list, even),
                SquadRetrievalBench.Score(corpus, list, odd));
        }
    }

    private static IEnumerable<HybridFusion> Grid()
    {
        float[] weights = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f];
        foreach (var w in weights)
        {
            yield return new HybridFusion(FusionRule.StandardScore, w);
        }

        foreach (var k in new[] { 5, 10, 20, 40, 60 })
        {
            foreach (var w in weights)
            {
                yield return new HybridFusion(FusionRule.ReciprocalRank, w, k);
            }
        }
    }

    private static string Describe(HybridFusion fusion, int depth) => fusion.Rule == FusionRule.ReciprocalRank
        ? string.Create(CultureInfo.InvariantCulture, $"reciprocal-rank k={fusion.RrfK} w={fusion.DenseWeight:0.0#} depth={depth}")
        : string.Create(CultureInfo.InvariantCulture, $"standard-score w={fusion.DenseWeight:0.0#} depth={depth}");

    private static object Figures(RetrievalScores s) => new { hitAt1 = s.HitAt(1), hitAt5 = s.HitAt(5), hitAt20 = s.HitAt(20), mrrAt20 = s.MeanReciprocalRank };

    private sealed record SweepResult(string Setting, RetrievalScores All, RetrievalScores Even, RetrievalScores Odd)
    {
        public object ToJson() => new { setting = Setting, all = Figures(All), even = Figures(Even), odd = Figures(Odd) };
    }
}
