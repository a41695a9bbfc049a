namespace RagPlatform.Retrieval.Fusion;

/// <summary>How a dense and a lexical ranking become one.</summary>
public enum FusionRule
{
    /// <summary>
    /// Standard-score fusion: each list's scores are standardised over the hits retrieved, (score − mean) / (6 · std)
    /// + ½, so a list's mean maps to ½ and three standard deviations either side to 0 and 1 (not clamped: a hit far above
    /// the rest keeps its lead), then w · dense + (1 − w) · lexical; a passage missing from a list scores 0 there. Cosine
    /// and BM25 become comparable without a fitted scale, and each list's confidence (one clear winner, or twenty
    /// near-ties) survives, which rank fusion loses.
    /// </summary>
    StandardScore,

    /// <summary>Weighted reciprocal rank: w / (k + dense rank) + (1 − w) / (k + lexical rank). Only ranks count.</summary>
    ReciprocalRank,
}

/// <summary>One hit of a ranking: its key and its score in that ranking (cosine or BM25), best first.</summary>
public readonly record struct RankedHit<TKey>(TKey Key, float Score);

/// <summary>
/// Fuses the dense (cosine) and the lexical (BM25) ranking of one question. The default rule, its weight and the depth
/// of each list were chosen on SQuAD dev with the real embedders (docs/BENCHMARKS.md, "Fusion"); all stay configurable.
/// </summary>
/// <param name="DenseWeight">w, in [0, 1]: the dense list's share.</param>
/// <param name="RrfK">k of <see cref="FusionRule.ReciprocalRank"/>.</param>
public sealed record HybridFusion(FusionRule Rule, float DenseWeight, int RrfK = ReciprocalRankFusion.DefaultK)
{
    /// <summary>Hits a side the orchestrator fetches before fusing (Answering:FusionCandidates).</summary>
    public const int DefaultCandidates = 100;

    /// <summary>The orchestrator's defaults (Answering:Fusion, FusionDenseWeight, RrfK): equal weights, nothing fitted.</summary>
    public static HybridFusion Default { get; } = new(FusionRule.StandardScore, 0.5f);

    /// <returns>Every key of either ranking with its fused score, best first; ties keep first-seen order (dense first).</returns>
    public List<(TKey Key, float Score)> Fuse<TKey>(IReadOnlyList<RankedHit<TKey>> dense, IReadOnlyList<RankedHit<TKey>> lexical)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(dense);
        ArgumentNullException.ThrowIfNull(lexical);
        if (DenseWeight is < 0 or > 1 || float.IsNaN(DenseWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(DenseWeight), DenseWeight, "Must be in [0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RrfK, 1);
        var scores = new Dictionary<TKey, double>();
        var order = new List<TKey>();
        Add(dense, DenseWeight, scores, order);
        Add(lexical, 1 - DenseWeight, scores, order);
        var fused = order.Select((key, index) => (Key: key, Score: scores[key], Index: index)).ToList();
        fused.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
        return [.. fused.Select(f => (f.Key, (float)f.Score))];
    }

    private void Add<TKey>(IReadOnlyList<RankedHit<TKey>> ranking, double weight, Dictionary<TKey, double> scores, List<TKey> order)
        where TKey : notnull
    {
        var (mean, deviation) = Rule == FusionRule.StandardScore ? Moments(ranking) : (0, 0);
        for (var i = 0; i < ranking.Count; i++)
        {
            var key = ranking[i].Key;
            var part = Rule switch
            {
                FusionRule.ReciprocalRank => weight / (RrfK + i + 1),
                // One hit, or all tied: nothing to standardise by, every hit sits at the list's mean.
                _ => weight * (deviation > 0 ? ((ranking[i].Score - mean) / (6 * deviation)) + 0.5 : 0.5),
            };
            if (!scores.TryGetValue(key, out var score))
            {
                order.Add(key);
            }

            scores[key] = score + part;
        }
    }

    private static (double Mean, double Deviation) Moments<TKey>(IReadOnlyList<RankedHit<TKey>> ranking)
    {
        if (ranking.Count == 0)
        {
            return (0, 0);
        }

        var mean = ranking.Average(h => (double)h.Score);
        return (mean, Math.Sqrt(ranking.Average(h => (h.Score - mean) * (h.Score - mean))));
    }
}
