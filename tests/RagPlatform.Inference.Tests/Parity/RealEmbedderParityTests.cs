using System.Text.Json;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Tests.Infrastructure;
using Xunit.Abstractions;

namespace RagPlatform.Inference.Tests.Parity;

/// <summary>
/// The real embedders installed from their NuGet packages (.models/real, scripts/setup/real-embedder.sh) against
/// transformers.js on the same folders: all-MiniLM-L6-v2 with mean pooling, snowflake-arctic-embed-xs with CLS
/// pooling and its query instruction, both read by our side from the folders' sentence-transformers files and told
/// to the oracle explicitly. And the published cosines of all-MiniLM-L6-v2, which forged weights cannot reproduce.
/// </summary>
[Trait("Category", "Parity")]
[Collection(InferenceCollection.Name)]
public sealed class RealEmbedderParityTests(InferenceEnvironment env, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData("minilm-embedder", "mean")]
    [InlineData("arctic-embed-xs", "cls")]
    public async Task Embed_HundredsOfVariedTexts_MatchTransformersJsOnTheRealWeights(string name, string pooling)
    {
        var model = await LoadAsync(name);
        var (queries, passages) = RealTexts.Value;
        using var embedder = TextEmbedder.Open(env.Sessions, model, new TextEmbedderOptions { Session = InferenceEnvironment.Session, MaxBatchSize = 16 });

        var ours = embedder.Embed(queries, EmbeddingRole.Query).Concat(embedder.Embed(passages, EmbeddingRole.Passage)).ToList();
        var prefixed = queries.Select(q => model.Prefixes.Query + q).Concat(passages.Select(p => model.Prefixes.Passage + p)).ToArray();
        var (oracle, folder) = await InferenceEnvironment.RunOracleAsync("embed.mjs", new { modelDir = model.Path, texts = prefixed, pooling }).WaitAsync(Timeout);
        folder.Delete(recursive: true);

        Assert.True(prefixed.Length >= 250, $"{prefixed.Length} texts");
        Assert.Equal(name == "arctic-embed-xs", model.Prefixes.Query.Length > 0);
        var truncated = oracle["truncated"]!.AsArray().Select(t => t!.GetValue<bool>()).ToArray();
        Assert.Contains(true, truncated);
        var worst = 1.0;
        for (var i = 0; i < prefixed.Length; i++)
        {
            Assert.Equal(oracle["tokenCounts"]![i]!.GetValue<int>(), ours[i].TokenCount);
            Assert.Equal(truncated[i], ours[i].Truncated);

            // transformers.js's pipeline drops [SEP] when it truncates; for long texts the reference is its model on
            // Hugging Face-truncated ids (see EmbeddingParityTests).
            var expected = Vectors.FromJson(oracle[truncated[i] ? "reference" : "pipeline"]![i]!);
            var cosine = Vectors.Cosine(expected, ours[i].Vector);
            worst = Math.Min(worst, cosine);
            Assert.True(cosine >= 0.99999, $"text {i} ({prefixed[i][..Math.Min(60, prefixed[i].Length)]}): cosine {cosine:R}");
        }

        var line = $"{name}: {prefixed.Length} texts ({queries.Count} as queries), lowest cosine to transformers.js 1 - {1 - worst:E1}";
        output.WriteLine(line);
        TestReport.Write("real-embedder-parity", line);
    }

    /// <summary>
    /// The cosines the all-MiniLM-L6-v2 model card and sentence-transformers' documentation publish for these pairs:
    /// a forged model (seeded random weights of the same architecture) lands nowhere near them.
    /// </summary>
    [Theory]
    [InlineData("A man is eating food.", "A man is eating a piece of bread.", 0.7553)]
    [InlineData("The new movie is awesome", "The new movie is so great", 0.8939)]
    public async Task Embed_PublishedSentencePairs_GiveThePublishedCosinesOnlyWithTheRealWeights(string first, string second, double published)
    {
        var real = await LoadAsync("minilm-embedder");
        using var embedder = TextEmbedder.Open(env.Sessions, real, new TextEmbedderOptions { Session = InferenceEnvironment.Session });
        using var forged = TextEmbedder.Open(env.Sessions, env.Embedder,
            new TextEmbedderOptions { Session = InferenceEnvironment.Session });

        var vectors = embedder.Embed([first, second]);
        var noise = forged.Embed([first, second]);

        var cosine = Vectors.Cosine(vectors[0].Vector, vectors[1].Vector);
        TestReport.Write("real-embedder-parity", $"all-MiniLM-L6-v2 cos(\"{first}\", \"{second}\") = {cosine:F6} (published {published:F4})");
        Assert.Equal(published, Math.Round(cosine, 4));
        Assert.False(embedder.Model.Forged);
        Assert.True(forged.Model.Forged);
        Assert.NotEqual(published, Math.Round(Vectors.Cosine(noise[0].Vector, noise[1].Vector), 4));
    }

    [Fact]
    public async Task Open_RealEmbedders_ReportRealWeightsOfTheirFoldersAndForgedOnesForged()
    {
        foreach (var name in new[] { "minilm-embedder", "arctic-embed-xs" })
        {
            using var embedder = TextEmbedder.Open(env.Sessions, await LoadAsync(name), new TextEmbedderOptions { Session = InferenceEnvironment.Session });

            Assert.False(embedder.Model.Forged, name);
            Assert.Equal(384, embedder.Dimensions);
            Assert.Equal(512, embedder.MaxTokens);
        }

        using var tiny = TextEmbedder.Open(env.Sessions, env.Embedder, new TextEmbedderOptions { Session = InferenceEnvironment.Session });
        Assert.True(tiny.Model.Forged);
    }

    private static async Task<ModelDirectory> LoadAsync(string name)
    {
        await TestAssets.EnsureRealEmbeddersAsync().WaitAsync(Timeout);
        return ModelDirectory.Load(TestAssets.RealModel(name));
    }

    /// <summary>
    /// 200 SQuAD dev questions (embedded as queries) and, as passages, 50 paragraphs, the edge cases and three texts
    /// past 512 tokens, spread over the whole dev set.
    /// </summary>
    private static readonly Lazy<(IReadOnlyList<string> Queries, IReadOnlyList<string> Passages)> RealTexts = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.SharedDir, "data", "squad-v2", "dev-v2.0.json")));
        var paragraphs = new List<string>();
        var questions = new List<string>();
        foreach (var paragraph in document.RootElement.GetProperty("data").EnumerateArray().SelectMany(a => a.GetProperty("paragraphs").EnumerateArray()))
        {
            paragraphs.Add(paragraph.GetProperty("context").GetString()!);
            questions.AddRange(paragraph.GetProperty("qas").EnumerateArray().Select(q => q.GetProperty("question").GetString()!));
        }

        static IEnumerable<string> Spread(List<string> items, int count) => Enumerable.Range(0, count).Select(i => items[i * items.Count / count]);
        return ([.. Spread(questions, 200)], [.. Spread(paragraphs, 50), .. ParityTexts.EdgeCases, ParityTexts.Long(0), ParityTexts.Long(7), ParityTexts.Long(13)]);
    });
}
