using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Tests.Infrastructure;

namespace RagPlatform.Inference.Tests.Unit;

[Trait("Category", "Unit")]
[Collection(InferenceCollection.Name)]
public sealed class EmbedderTests(InferenceEnvironment env)
{
    private TextEmbedder Open(TextEmbedderOptions? options = null) =>
        TextEmbedder.Open(env.Sessions, env.Embedder, (options ?? new TextEmbedderOptions()) with { Session = InferenceEnvironment.Session });

    [Fact]
    public void Embed_Texts_UnitVectorsOfTheModelWidth()
    {
        using var embedder = Open();

        var embeddings = embedder.Embed(["first text", "a second, longer text about rivers"]);

        Assert.Equal(32, embedder.Dimensions);
        Assert.All(embeddings, e => Assert.Equal(1.0, Math.Sqrt(e.Vector.Sum(v => (double)v * v)), 5));
        Assert.Equal([4, 9], embeddings.Select(e => e.TokenCount));
        Assert.True(embedder.Model.Forged);
        Assert.Equal(512, embedder.MaxTokens);
    }

    [Fact]
    public void Embed_BatchSplitting_DoesNotChangeVectors()
    {
        var texts = ParityTexts.Questions.Take(7).Append(ParityTexts.Paragraphs[0]).ToArray();
        using var whole = Open(new TextEmbedderOptions { MaxBatchSize = 32 });
        using var split = Open(new TextEmbedderOptions { MaxBatchSize = 3 });

        var a = whole.Embed(texts);
        var b = split.Embed(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            Assert.True(Vectors.MaxAbsDiff(a[i].Vector, b[i].Vector) <= 1e-5, $"text {i}");
        }
    }

    [Fact]
    public void Embed_LongerThanTheLimit_TruncatedAndReported()
    {
        using var embedder = Open(new TextEmbedderOptions { MaxTokens = 16 });

        var embeddings = embedder.Embed([ParityTexts.Paragraphs[0], "short"]);

        Assert.Equal((16, true), (embeddings[0].TokenCount, embeddings[0].Truncated));
        Assert.Equal((3, false), (embeddings[1].TokenCount, embeddings[1].Truncated));
    }

    [Fact]
    public void Embed_QueryRole_PrependsTheQueryPrefix()
    {
        using var embedder = Open(new TextEmbedderOptions { Prefixes = new EmbeddingPrefixes("query: ", "") });

        var asQuery = embedder.Embed(["rivers of europe"], EmbeddingRole.Query)[0];
        var prefixed = embedder.Embed(["query: rivers of europe"], EmbeddingRole.Passage)[0];
        var plain = embedder.Embed(["rivers of europe"], EmbeddingRole.Passage)[0];

        Assert.Equal(prefixed.Vector, asQuery.Vector);
        Assert.NotEqual(plain.Vector, asQuery.Vector);
    }

    [Fact]
    public void Embed_ClsPoolingWithoutNormalisation_IsTheFirstTokenVector()
    {
        using var cls = Open(new TextEmbedderOptions { Pooling = PoolingMode.Cls, Normalize = false });
        using var mean = Open(new TextEmbedderOptions { Pooling = PoolingMode.Mean, Normalize = false });

        var single = cls.Embed(["[CLS] alone"])[0].Vector;
        var padded = cls.Embed(["[CLS] alone", "a much longer text that forces padding of the first row"])[0].Vector;

        Assert.True(Vectors.MaxAbsDiff(single, padded) <= 1e-5);
        Assert.True(Vectors.MaxAbsDiff(single, mean.Embed(["[CLS] alone"])[0].Vector) > 1e-3);
    }

    [Fact]
    public void Embed_Cancelled_Throws()
    {
        using var embedder = Open();

        Assert.ThrowsAny<OperationCanceledException>(() => embedder.Embed(["text"], cancellationToken: new CancellationToken(canceled: true)));
    }
}
