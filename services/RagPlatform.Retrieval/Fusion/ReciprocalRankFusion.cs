namespace RagPlatform.Retrieval.Fusion;

/// <summary>
/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): an item's fused score is the sum over the
/// rankings holding it of 1 / (k + rank), rank counted from 1. Only ranks matter, so cosine and BM25 scores
/// need no calibration against each other.
/// </summary>
public static class ReciprocalRankFusion
{
    /// <summary>The paper's k, which damps the weight of the very first ranks.</summary>
    public const int DefaultK = 60;

    /// <returns>Every item of any ranking with its fused score, best first; ties keep first-seen order.</returns>
    public static List<(TKey Key, float Score)> Fuse<TKey>(IReadOnlyList<IReadOnlyList<TKey>> rankings, int k)
        where TKey : notnull
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var scores = new Dictionary<TKey, double>();
        var order = new List<TKey>();
        foreach (var ranking in rankings)
        {
            for (var i = 0; i < ranking.Count; i++)
            {
                var key = ranking[i];
                if (!scores.TryGetValue(key, out var score))
                {
                    order.Add(key);
                }

                scores[key] = score + (1.0 / (k + i + 1));
            }
        }

        var fused = order.Select((key, index) => (Key: key, Score: scores[key], Index: index)).ToList();
        fused.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Index.CompareTo(b.Index));
        return [.. fused.Select(f => (f.Key, (float)f.Score))];
    }
}
