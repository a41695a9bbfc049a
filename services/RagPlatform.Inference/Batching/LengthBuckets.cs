namespace RagPlatform.Inference.Batching;

/// <summary>
/// Which rows run together. A batch is padded to its longest row, so rows of mixed lengths waste work on padding: with
/// 20 SQuAD passages for a cross-encoder (100 to 400 tokens) padding everything to the longest doubles the tokens run.
/// Rows are sorted by length and cut into contiguous runs of at most maxBatchSize that minimise the tokens run (padding
/// included) plus a fixed cost per run (<see cref="RunCostTokens"/>): found exactly by dynamic programming over the
/// sorted lengths, O(n · maxBatchSize). Padding never changes a row's result (attention masks it), so bucketing changes
/// the work, not the scores.
/// </summary>
internal static class LengthBuckets
{
    /// <summary>
    /// What starting one more ONNX Runtime run costs, in tokens of work: a run's fixed overhead (binding, allocation,
    /// thread hand-offs) is worth this many tokens through a MiniLM-sized encoder on 2 cores (bench/reranker.sh).
    /// </summary>
    public const int RunCostTokens = 64;

    /// <summary>Row indices per run; every row in exactly one run.</summary>
    /// <param name="bucket">False keeps request order in runs of maxBatchSize (every run padded to its longest).</param>
    public static List<int[]> Plan(IReadOnlyList<int> lengths, int maxBatchSize, bool bucket = true)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        var runs = new List<int[]>();
        if (!bucket)
        {
            for (var start = 0; start < lengths.Count; start += maxBatchSize)
            {
                runs.Add([.. Enumerable.Range(start, Math.Min(maxBatchSize, lengths.Count - start))]);
            }

            return runs;
        }

        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ThenBy(i => i).ToArray();
        // cost[j]: least work for the j shortest rows; cut[j]: where the last run of that plan starts.
        var cost = new long[order.Length + 1];
        var cut = new int[order.Length + 1];
        for (var j = 1; j <= order.Length; j++)
        {
            cost[j] = long.MaxValue;
            var longest = lengths[order[j - 1]];
            for (var i = Math.Max(0, j - maxBatchSize); i < j; i++)
            {
                var candidate = cost[i] + ((long)(j - i) * longest) + RunCostTokens;
                if (candidate < cost[j])
                {
                    (cost[j], cut[j]) = (candidate, i);
                }
            }
        }

        for (var end = order.Length; end > 0; end = cut[end])
        {
            runs.Add(order[cut[end]..end]);
        }

        runs.Reverse();
        return runs;
    }
}
