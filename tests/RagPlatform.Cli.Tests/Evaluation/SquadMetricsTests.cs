using RagPlatform.Cli.Evaluation;

namespace RagPlatform.Cli.Tests.Evaluation;

[Trait("Category", "Unit")]
public sealed class SquadMetricsTests
{
    private readonly SquadMetrics _metrics = new();

    [Theory]
    [InlineData("The Eiffel Tower!", "eiffel tower")]
    [InlineData("  a  cat, an   owl and THE dog.", "cat owl and dog")]
    [InlineData("Denver Broncos", "denver broncos")]
    [InlineData("theatre", "theatre")]
    [InlineData("1,000 km/h", "1000 kmh")]
    public void Normalize_FollowsTheOfficialScript(string text, string expected)
    {
        Assert.Equal(expected, SquadMetrics.Normalize(text));
    }

    [Fact]
    public void ExactMatch_IsOneWhenAnyGoldMatchesAfterNormalisation()
    {
        Assert.Equal(1, _metrics.ExactMatch("the Denver Broncos.", ["Broncos", "Denver Broncos"]));
        Assert.Equal(0, _metrics.ExactMatch("Denver", ["Broncos", "Denver Broncos"]));
    }

    [Fact]
    public void F1_IsTokenOverlap_BestOverGolds()
    {
        // prediction "denver broncos won" vs gold "denver broncos": precision 2/3, recall 1 → 0.8.
        Assert.Equal(0.8, _metrics.F1("Denver Broncos won", ["Carolina Panthers", "Denver Broncos"]), 10);
        Assert.Equal(0, _metrics.F1("Carolina", ["Denver Broncos"]));
    }

    [Fact]
    public void F1_CountsRepeatedTokensOnlyAsOftenAsTheGoldHasThem()
    {
        // common = min(3, 1) for "very": precision 1/3, recall 1/2 → 0.4.
        Assert.Equal(0.4, _metrics.F1("very very very", ["very good"]), 10);
    }

    [Fact]
    public void F1_EmptySides_ScoreOnlyAgainstEachOther()
    {
        Assert.Equal(1, _metrics.F1("the", ["a"]));
        Assert.Equal(0, _metrics.F1("", ["Denver"]));
    }

    [Fact]
    public void RankOf_CountsDistinctDocuments_InOrder()
    {
        Assert.Equal(2, _metrics.RankOf(["d1", "d1", "d7", "d3"], "d7"));
        Assert.Equal(1, _metrics.RankOf(["d7", "d1"], "d7"));
        Assert.Null(_metrics.RankOf(["d1", "d2"], "d7"));
    }

    [Fact]
    public void Summary_HitAtKAndMrr_ComeFromTheRanks()
    {
        QuestionResult[] results =
        [
            new("q1", 1, 1, 1, 5),
            new("q2", 3, 0, 0.5, 5),
            new("q3", null, 0, 0, 4),
            new("q4", 6, 0, 0.25, 6),
        ];

        var summary = EvalSummary.From(results, failed: 1, cutoffs: [1, 5, 20], forged: true);

        Assert.Equal(0.25, summary.HitAt[1]);
        Assert.Equal(0.5, summary.HitAt[5]);
        Assert.Equal(0.75, summary.HitAt[20]);
        Assert.Equal((1 + (1.0 / 3) + 0 + (1.0 / 6)) / 4, summary.MeanReciprocalRank, 10);
        Assert.Equal(0.25, summary.ExactMatch);
        Assert.Equal(0.4375, summary.F1, 10);
        Assert.Equal(5, summary.MeanPromptPassages);
        Assert.Equal(1, summary.Failed);
    }
}
