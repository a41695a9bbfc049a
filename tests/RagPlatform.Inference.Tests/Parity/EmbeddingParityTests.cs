using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Tests.Infrastructure;

namespace RagPlatform.Inference.Tests.Parity;

[Trait("Category", "Parity")]
[Collection(InferenceCollection.Name)]
public sealed class EmbeddingParityTests(InferenceEnvironment env)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Embed_SquadTextsAndEdgeCases_MatchTransformersJsFeatureExtraction()
    {
        string[] texts =
        [
            .. ParityTexts.Questions.Take(25),
            .. ParityTexts.Paragraphs.Take(15),
            .. ParityTexts.EdgeCases,
            ParityTexts.Long(0), ParityTexts.Long(7), ParityTexts.Long(13),
        ];
        using var embedder = TextEmbedder.Open(env.Sessions, env.Embedder, new TextEmbedderOptions { Session = InferenceEnvironment.Session, MaxBatchSize = 16 });

        var ours = embedder.Embed(texts);
        var (oracle, folder) = await InferenceEnvironment.RunOracleAsync("embed.mjs", new { modelDir = env.Embedder.Path, texts }).WaitAsync(Timeout);
        folder.Delete(recursive: true);

        Assert.True(texts.Length >= 50);
        var truncated = oracle["truncated"]!.AsArray().Select(t => t!.GetValue<bool>()).ToArray();
        Assert.Equal(3, truncated.Count(t => t));
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(oracle["tokenCounts"]![i]!.GetValue<int>(), ours[i].TokenCount);
            Assert.Equal(truncated[i], ours[i].Truncated);

            // transformers.js's pipeline truncates by cutting the ids (dropping [SEP]); for long texts the reference is
            // its model, pooling and normalisation on Hugging Face-truncated ids.
            var expected = Vectors.FromJson(oracle[truncated[i] ? "reference" : "pipeline"]![i]!);
            AssertClose(expected, ours[i].Vector, $"text {i} ({texts[i][..Math.Min(40, texts[i].Length)]})");
            if (!truncated[i])
            {
                AssertClose(Vectors.FromJson(oracle["reference"]![i]!), expected, $"oracle self-check, text {i}");
            }
        }
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var cosine = Vectors.Cosine(expected, actual);
        var diff = Vectors.MaxAbsDiff(expected, actual);
        Assert.True(cosine >= 0.99999 && diff <= 1e-4, $"{what}: cosine {cosine:R}, max abs diff {diff:E2}");
    }
}
