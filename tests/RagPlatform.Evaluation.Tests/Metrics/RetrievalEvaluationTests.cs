using RagPlatform.Evaluation.Metrics;

namespace RagPlatform.Evaluation.Tests.Metrics;

[Trait("Category", "Unit")]
public sealed class RetrievalEvaluationTests
{
    private static string[] RankingWithGoldAt(int rank) =>
        [.. Enumerable.Range(1, 20).Select(i => i == rank ? "gold" : $"other-{i}")];

    [Fact]
    public void Scores_OfFiveQueries_AreTheHandComputedHitRatesAndMrr()
    {
        var evaluation = new RetrievalEvaluation();

        var ranks = new List<int?>();
        foreach (var rank in new[] { 1, 3, 7, 15, 0 }) // 0: the gold is not retrieved at all
        {
            ranks.Add(evaluation.Add(RankingWithGoldAt(rank), "gold"));
        }

        Assert.Equal([1, 3, 7, 15, null], ranks);
        var scores = evaluation.Scores;
        Assert.Equal(5, scores.Queries);
        Assert.Equal(0.2, scores.HitAt(1), precision: 12);
        Assert.Equal(0.4, scores.HitAt(5), precision: 12);
        Assert.Equal(0.6, scores.HitAt(10), precision: 12);
        Assert.Equal(0.8, scores.HitAt(20), precision: 12);
        Assert.Equal((1 + (1.0 / 3) + (1.0 / 7) + (1.0 / 15)) / 5, scores.MeanReciprocalRank, precision: 12);
    }

    [Fact]
    public void RankOf_CountsRepeatedIdsOnce()
    {
        // Three chunks of paragraph p1 then p2 then the gold: the gold is the third distinct paragraph.
        Assert.Equal(3, RetrievalEvaluation.RankOf(["p1", "p1", "p2", "p1", "gold", "p3"], "gold"));
        Assert.Null(RetrievalEvaluation.RankOf(["p1", "p2"], "gold"));
        Assert.Null(RetrievalEvaluation.RankOf([], "gold"));
    }

    [Fact]
    public void Scores_AtExactlyTheCutoff_CountAsHits()
    {
        var evaluation = new RetrievalEvaluation([5]);

        evaluation.Add(RankingWithGoldAt(5), "gold");
        evaluation.Add(RankingWithGoldAt(6), "gold");

        Assert.Equal(0.5, evaluation.Scores.HitAt(5));
        Assert.Equal(new Dictionary<int, double> { [5] = 0.5 }, evaluation.Scores.HitRates);
    }

    [Fact]
    public void Scores_WithNoQueries_AreZero()
    {
        var scores = new RetrievalEvaluation().Scores;

        Assert.Equal(0, scores.Queries);
        Assert.Equal([1, 5, 10, 20], scores.HitRates.Keys);
        Assert.All(scores.HitRates.Values, rate => Assert.Equal(0, rate));
        Assert.Equal(0, scores.MeanReciprocalRank);
    }

    [Fact]
    public void Cutoffs_MustBePositive_AndOnlyMeasuredOnesCanBeRead()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetrievalEvaluation([0, 5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetrievalEvaluation([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetrievalEvaluation().Scores.HitAt(3));
    }
}
