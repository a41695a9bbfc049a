using RagPlatform.Inference.Reranking;
using RagPlatform.Inference.Tests.Infrastructure;

namespace RagPlatform.Inference.Tests.Unit;

[Trait("Category", "Unit")]
[Collection(InferenceCollection.Name)]
public sealed class CrossEncoderTests(InferenceEnvironment env)
{
    private CrossEncoder Open(int? maxTokens = null, bool bucket = true, int maxBatchSize = 32) =>
        CrossEncoder.Open(env.Sessions, env.Reranker, new CrossEncoderOptions
        {
            Session = InferenceEnvironment.Session, MaxTokens = maxTokens, BucketByLength = bucket, MaxBatchSize = maxBatchSize,
        });

    [Fact]
    public void Score_LengthBuckets_SameScoresAsPaddingEveryRunToItsLongest()
    {
        using var bucketed = Open(maxBatchSize: 4);
        using var padded = Open(bucket: false, maxBatchSize: 4);
        string[] passages = [.. ParityTexts.Paragraphs.Take(6), "normandy", "a short one", .. ParityTexts.Paragraphs.Skip(6).Take(3), "tiny"];

        var a = bucketed.Score("who ruled normandy in the tenth century?", passages);
        var b = padded.Score("who ruled normandy in the tenth century?", passages);

        Assert.Equal(b.Select(s => s.TokenCount), a.Select(s => s.TokenCount));
        Assert.All(a.Zip(b), p => Assert.Equal(p.Second.Score, p.First.Score, 4));
    }

    [Fact]
    public void Score_QueryFillingTheLimit_ClearErrorAndNoTruncationOfTheQuery()
    {
        using var scorer = Open(maxTokens: 16);

        var error = Assert.Throws<ArgumentException>(() => scorer.Score(string.Join(' ', Enumerable.Repeat("word", 13)), ["passage"]));

        Assert.Equal("query", error.ParamName);
        Assert.Contains("no room for a passage", error.Message, StringComparison.Ordinal);
        Assert.Contains("16-token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Score_LongPassage_OnlyThePassageIsTruncated()
    {
        using var scorer = Open(maxTokens: 24);
        const string query = "who ruled normandy";

        var scores = scorer.Score(query, [ParityTexts.Paragraphs[0], "normandy"]);

        Assert.Equal((24, true), (scores[0].TokenCount, scores[0].Truncated));
        Assert.Equal((7, false), (scores[1].TokenCount, scores[1].Truncated));
    }

    [Fact]
    public void Score_Sigmoid_IsTheLogisticOfTheLogit()
    {
        using var scorer = Open();
        string[] passages = ["The Normans were in Normandy.", "Paris is in France.", ""];

        var logits = scorer.Score("where were the normans?", passages);
        var probabilities = scorer.Score("where were the normans?", passages, sigmoid: true);

        for (var i = 0; i < passages.Length; i++)
        {
            Assert.Equal(1 / (1 + Math.Exp(-logits[i].Score)), probabilities[i].Score, 5);
        }

        Assert.NotEqual(logits[0].Score, logits[1].Score);
    }

    [Fact]
    public void Score_PairsOverload_EqualsQueryOverload()
    {
        using var scorer = Open();

        var byQuery = scorer.Score("q one", ["alpha", "beta"]);
        var byPairs = scorer.Score([("q one", "alpha"), ("q one", "beta")]);

        Assert.Equal(byQuery.Select(s => s.Score), byPairs.Select(s => s.Score));
    }
}
