using RagPlatform.Inference.Batching;

namespace RagPlatform.Inference.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class LengthBucketsTests
{
    [Fact]
    public void Plan_MixedLengths_SimilarLengthsRunTogether_EveryRowOnce()
    {
        int[] lengths = [400, 20, 390, 25, 30, 410, 22];

        var runs = LengthBuckets.Plan(lengths, maxBatchSize: 32);

        Assert.Equal([[1, 6, 3, 4], [2, 0, 5]], runs);
    }

    [Fact]
    public void Plan_RunsNeverExceedTheBatchSize_AndCoverEveryRow()
    {
        var lengths = Enumerable.Range(0, 50).Select(i => 100 + (i * 37 % 300)).ToArray();

        var runs = LengthBuckets.Plan(lengths, maxBatchSize: 8);

        Assert.All(runs, r => Assert.InRange(r.Length, 1, 8));
        Assert.Equal(Enumerable.Range(0, 50), runs.SelectMany(r => r).Order());
    }

    [Fact]
    public void Plan_NearlyEqualLengths_OneRunRatherThanPayingForMany()
    {
        var runs = LengthBuckets.Plan([100, 101, 102, 103], maxBatchSize: 32);

        Assert.Single(runs);
    }

    [Fact]
    public void Plan_NoBucketing_RequestOrderInRunsOfTheBatchSize()
    {
        var runs = LengthBuckets.Plan([5, 1, 4, 2, 3], maxBatchSize: 2, bucket: false);

        Assert.Equal([[0, 1], [2, 3], [4]], runs);
    }
}
