using RagPlatform.Inference.Generation;

namespace RagPlatform.Inference.Tests.Unit;

[Trait("Category", "Unit")]
public sealed class TokenSamplerTests
{
    [Fact]
    public void RepetitionPenalty_SeenTokens_PositiveDividedNegativeMultiplied()
    {
        float[] logits = [2f, -2f, 1f, 0.5f];

        TokenSampler.ApplyRepetitionPenalty(logits, [0, 1, 3], 2f);

        Assert.Equal([1f, -4f, 1f, 0.25f], logits);
    }

    [Fact]
    public void Sample_Greedy_TakesArgmaxAfterPenalty()
    {
        var sampler = new TokenSampler(new GenerationOptions { Temperature = 0, RepetitionPenalty = 1.5f }, 2);
        float[] logits = [3f, 2.9f];

        Assert.Equal(1, sampler.Sample(logits, [0]));
    }

    [Fact]
    public void BuildDistribution_TopK_KeepsTheKBestRenormalised()
    {
        var sampler = new TokenSampler(new GenerationOptions { Temperature = 1, TopK = 2 }, 4);

        var count = sampler.BuildDistribution([1f, 3f, 2f, 0f]);

        Assert.Equal(2, count);
        Assert.Equal([1, 2], sampler.CandidateIds(count).ToArray());
        var expected = 1 / (1 + MathF.Exp(-1));
        Assert.Equal(expected, sampler.CandidateProbabilities(count)[0], 5);
        Assert.Equal(1 - expected, sampler.CandidateProbabilities(count)[1], 5);
    }

    [Theory]
    [InlineData(0.4f, 1)]
    [InlineData(0.75f, 2)]
    [InlineData(0.85f, 3)]
    [InlineData(1f, 4)]
    public void BuildDistribution_TopP_KeepsTheTokenThatCrossesTheThreshold(float topP, int kept)
    {
        var sampler = new TokenSampler(new GenerationOptions { Temperature = 1, TopP = topP }, 4);
        float[] logits = [MathF.Log(0.15f), MathF.Log(0.5f), MathF.Log(0.05f), MathF.Log(0.3f)];

        var count = sampler.BuildDistribution(logits);

        Assert.Equal(kept, count);
        if (topP < 1f)
        {
            Assert.Equal(new[] { 1, 3, 0 }.Take(kept), sampler.CandidateIds(count).ToArray());
        }

        Assert.Equal(1f, sampler.CandidateProbabilities(count).ToArray().Sum(), 5);
    }

    [Fact]
    public void BuildDistribution_FlatDistribution_NucleusBeyondTheProbeIsFound()
    {
        var sampler = new TokenSampler(new GenerationOptions { Temperature = 1, TopP = 0.9f }, 1000);

        var count = sampler.BuildDistribution(new float[1000]);

        Assert.InRange(count, 900, 901);
    }

    [Fact]
    public void BuildDistribution_Temperature_SharpensTheDistribution()
    {
        var sampler = new TokenSampler(new GenerationOptions { Temperature = 0.5f }, 2);

        var count = sampler.BuildDistribution([0f, MathF.Log(2f)]);

        Assert.Equal(0.2f, sampler.CandidateProbabilities(count)[0], 5);
        Assert.Equal(0.8f, sampler.CandidateProbabilities(count)[1], 5);
    }

    [Fact]
    public void Sample_ManyDraws_FollowTheDistribution()
    {
        var sampler = new TokenSampler(new GenerationOptions { Temperature = 1, Seed = 7 }, 2);
        var ones = 0;
        for (var i = 0; i < 10_000; i++)
        {
            ones += sampler.Sample([0f, MathF.Log(4f)], []);
        }

        Assert.InRange(ones / 10_000.0, 0.77, 0.83);
    }

    [Fact]
    public void Sample_SameSeed_SameSequence_OtherSeed_OtherSequence()
    {
        var logits = Enumerable.Range(0, 500).Select(i => MathF.Sin(i) * 3).ToArray();
        int[] Draw(ulong seed)
        {
            var sampler = new TokenSampler(new GenerationOptions { Temperature = 1.2f, TopK = 100, TopP = 0.95f, Seed = seed }, logits.Length);
            return Enumerable.Range(0, 50).Select(_ => sampler.Sample(logits.ToArray(), [])).ToArray();
        }

        Assert.Equal(Draw(42), Draw(42));
        Assert.NotEqual(Draw(42), Draw(43));
    }

    [Fact]
    public void SelectTop_Ties_LowerIndexFirst()
    {
        var destination = new int[3];

        var count = TokenSampler.SelectTop([1f, 5f, 5f, 2f, 5f], 3, destination);

        Assert.Equal(3, count);
        Assert.Equal([1, 2, 4], destination);
    }
}
