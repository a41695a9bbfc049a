using RagPlatform.Retrieval.Fusion;
using RagPlatform.Retrieval.Vectors;

namespace RagPlatform.Retrieval.Tests.Vectors;

[Trait("Category", "Unit")]
public sealed class RankingTests
{
    [Fact]
    public void Rrf_SumsOneOverKPlusRank()
    {
        var fused = ReciprocalRankFusion.Fuse<string>([["a", "b"], ["b", "c"]], k: 60);

        Assert.Equal(["b", "a", "c"], fused.Select(f => f.Key));
        Assert.Equal((1.0 / 62) + (1.0 / 61), fused[0].Score, 6);
        Assert.Equal(1.0 / 61, fused[1].Score, 6);
        Assert.Equal(1.0 / 62, fused[2].Score, 6);
    }

    [Fact]
    public void Rrf_WithK1_EqualsQdrantsOwnExampleAtItsK2()
    {
        // Qdrant's rrf_scoring test (k = 2, score 1 / (position + k)) expects 1.0833334, 0.8333334, 0.5833334, 0.5:
        // the same numbers as the standard 1 / (k + rank) with k one lower, which is why the adapter sends k + 1.
        var fused = ReciprocalRankFusion.Fuse<int>([[2, 1], [1, 2, 3], [5, 3, 1]], k: 1);

        Assert.Equal([1, 2, 3, 5], fused.Select(f => f.Key));
        Assert.All(fused.Select(f => f.Score).Zip([1.0833334f, 0.8333334f, 0.5833334f, 0.5f]), pair => Assert.Equal(pair.Second, pair.First, 5));
    }

    [Fact]
    public void TopK_KeepsTheBest_BreakingTiesByLowerSlot()
    {
        var top = new TopK(3);
        foreach (var (score, slot) in new[] { (0.5f, 4), (0.9f, 1), (0.5f, 2), (0.1f, 0), (0.7f, 9), (0.5f, 3) })
        {
            top.Offer(score, slot);
        }

        Assert.Equal([(1, 0.9f), (9, 0.7f), (2, 0.5f)], top.ToDescending());
    }
}
