using RagPlatform.Retrieval.Fusion;

namespace RagPlatform.Retrieval.Tests.Vectors;

[Trait("Category", "Unit")]
public sealed class HybridFusionTests
{
    private static readonly RankedHit<string>[] Dense = [new("a", 0.8f), new("b", 0.6f), new("c", 0.5f)];
    private static readonly RankedHit<string>[] Lexical = [new("c", 30f), new("d", 10f), new("a", 3f)];

    [Fact]
    public void ReciprocalRank_WeightsEachListsRanks()
    {
        var fused = new HybridFusion(FusionRule.ReciprocalRank, 0.25f, RrfK: 10).Fuse(Dense, Lexical);

        Assert.Equal(["c", "a", "d", "b"], fused.Select(f => f.Key));
        Assert.Equal((0.25 / 13) + (0.75 / 11), fused[0].Score, 6);
        Assert.Equal((0.25 / 11) + (0.75 / 13), fused[1].Score, 6);
    }

    [Fact]
    public void StandardScore_EachHitCountsByItsDistanceFromItsListsMean()
    {
        var fused = new HybridFusion(FusionRule.StandardScore, 0.5f).Fuse(Dense, Lexical);

        // Dense: mean 0.6333, std 0.1247; lexical: mean 14.333, std 11.441. Each hit: 0.5 · ((s − mean) / (6 · std) + ½).
        double Part(double score, double mean, double std) => 0.5 * (((score - mean) / (6 * std)) + 0.5);
        var (dm, ds) = (0.6333333, 0.1247219);
        var (lm, ls) = (14.333333, 11.440668);
        Assert.Equal(["a", "c", "b", "d"], fused.Select(f => f.Key));
        Assert.Equal(Part(0.8, dm, ds) + Part(3, lm, ls), fused[0].Score, 4);
        Assert.Equal(Part(0.5, dm, ds) + Part(30, lm, ls), fused[1].Score, 4);
        Assert.Equal(Part(0.6, dm, ds), fused[2].Score, 4);
        Assert.Equal(Part(10, lm, ls), fused[3].Score, 4);
    }

    [Fact]
    public void StandardScore_OneHitOrAllTied_SitsAtTheListsMean()
    {
        var fused = new HybridFusion(FusionRule.StandardScore, 0.5f).Fuse([new RankedHit<string>("a", 0.8f)], [new RankedHit<string>("b", 3f), new("c", 3f)]);

        Assert.Equal(["a", "b", "c"], fused.Select(f => f.Key));
        Assert.All(fused, f => Assert.Equal(0.25, f.Score, 6));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.1f)]
    public void Fuse_WeightOutOfRange_Refused(float weight)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HybridFusion(FusionRule.ReciprocalRank, weight).Fuse(Dense, Lexical));
    }
}
