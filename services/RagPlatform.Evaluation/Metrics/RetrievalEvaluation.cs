namespace RagPlatform.Evaluation.Metrics;

/// <summary>
/// Scores rankings that each have one relevant id (e.g. the paragraph a SQuAD question was written about): the share
/// of queries whose relevant id is in the top k (hit@k, also called recall@k with one relevant item) and the mean
/// reciprocal rank. Not thread-safe: one evaluation per run.
/// </summary>
public sealed class RetrievalEvaluation
{
    private readonly int[] _cutoffs;
    private readonly int[] _hits;
    private double _reciprocalRanks;
    private int _queries;

    /// <param name="cutoffs">The k of each hit@k; defaults to <see cref="DefaultCutoffs"/>.</param>
    public RetrievalEvaluation(IEnumerable<int>? cutoffs = null)
    {
        _cutoffs = [.. (cutoffs ?? DefaultCutoffs).Distinct().Order()];
        if (_cutoffs.Length == 0 || _cutoffs[0] < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(cutoffs), "Give at least one cutoff, each at least 1.");
        }

        _hits = new int[_cutoffs.Length];
    }

    public static IReadOnlyList<int> DefaultCutoffs { get; } = [1, 5, 10, 20];

    public RetrievalScores Scores => new(_queries,
        _cutoffs.Select((k, i) => (k, rate: Rate(_hits[i]))).ToDictionary(p => p.k, p => p.rate),
        _queries == 0 ? 0 : _reciprocalRanks / _queries);

    /// <summary>
    /// The 1-based rank of <paramref name="relevantId"/> among the distinct ids of <paramref name="ranking"/>, or null
    /// when it is absent. Repeats are skipped so that several chunks of one paragraph count as one entry.
    /// </summary>
    public static int? RankOf(IEnumerable<string> ranking, string relevantId)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(relevantId);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ranking)
        {
            if (!seen.Add(id))
            {
                continue;
            }

            if (string.Equals(id, relevantId, StringComparison.Ordinal))
            {
                return seen.Count;
            }
        }

        return null;
    }

    /// <summary>Records one query. A relevant id missing from the ranking counts as a miss at every k and adds 0 to MRR.</summary>
    /// <returns>The rank found (see <see cref="RankOf"/>).</returns>
    public int? Add(IEnumerable<string> ranking, string relevantId)
    {
        var rank = RankOf(ranking, relevantId);
        _queries++;
        if (rank is { } r)
        {
            _reciprocalRanks += 1.0 / r;
            for (var i = 0; i < _cutoffs.Length; i++)
            {
                _hits[i] += r <= _cutoffs[i] ? 1 : 0;
            }
        }

        return rank;
    }

    private double Rate(int hits) => _queries == 0 ? 0 : (double)hits / _queries;
}

/// <param name="HitRates">hit@k by k: the share of queries whose relevant id ranked k or better.</param>
/// <param name="MeanReciprocalRank">Mean of 1/rank (0 when absent), over rankings as long as the caller asked for.</param>
public sealed record RetrievalScores(int Queries, IReadOnlyDictionary<int, double> HitRates, double MeanReciprocalRank)
{
    public double HitAt(int k) => HitRates.TryGetValue(k, out var rate)
        ? rate
        : throw new ArgumentOutOfRangeException(nameof(k), k, $"hit@{k} was not measured; the cutoffs are {string.Join(", ", HitRates.Keys)}.");
}
