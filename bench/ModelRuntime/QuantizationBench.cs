using System.Numerics.Tensors;
using System.Text.Json;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;

namespace RagPlatform.Bench.ModelRuntime;

/// <summary>
/// How far an int8 embedder's vectors are from its float32 original's on the same texts (cosine per text), and the
/// two published all-MiniLM-L6-v2 pair similarities under each model (0.7553 and 0.8939 with the real float32 weights).
/// </summary>
internal static class QuantizationBench
{
    private static readonly (string A, string B)[] PublishedPairs =
    [
        ("A man is eating food.", "A man is eating a piece of bread."),
        ("The new movie is awesome", "The new movie is so great"),
    ];

    public static int Compare(BenchArguments args)
    {
        var count = args.Int("count", 512);
        using var squad = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(args.String("shared"), "data", "squad-v2", "dev-v2.0.json")));
        var paragraphs = squad.RootElement.GetProperty("data").EnumerateArray().SelectMany(a => a.GetProperty("paragraphs").EnumerateArray()).ToList();
        string[] texts =
        [
            .. paragraphs.Select(p => p.GetProperty("context").GetString()!).Take(count / 2),
            .. paragraphs.SelectMany(p => p.GetProperty("qas").EnumerateArray()).Select(q => q.GetProperty("question").GetString()!).Take(count - (count / 2)),
        ];

        var runtime = OnnxSessionFactory.Create();
        var session = new InferenceSessionOptions { IntraOpThreads = args.Int("threads"), InterOpThreads = 1 };
        (IReadOnlyList<Embedding> Texts, double[] Pairs, string File) Embed(string directory)
        {
            var model = ModelDirectory.Load(directory);
            using var embedder = TextEmbedder.Open(runtime, model, new TextEmbedderOptions { Session = session });
            var pairs = PublishedPairs.Select(p => embedder.Embed([p.A, p.B])).Select(e => (double)TensorPrimitives.CosineSimilarity(e[0].Vector, e[1].Vector)).ToArray();
            return (embedder.Embed(texts), pairs, Path.GetRelativePath(directory, model.OnnxPath));
        }

        var float32 = Embed(args.String("model"));
        var int8 = Embed(args.String("quantized"));
        var cosines = float32.Texts.Zip(int8.Texts, (a, b) => (double)TensorPrimitives.CosineSimilarity(a.Vector, b.Vector)).Order().ToArray();
        return BenchArguments.Emit(new
        {
            command = "compare",
            float32File = float32.File,
            int8File = int8.File,
            texts = texts.Length,
            minCosine = cosines[0],
            p01Cosine = cosines[cosines.Length / 100],
            meanCosine = cosines.Average(),
            publishedPairsFloat32 = float32.Pairs,
            publishedPairsInt8 = int8.Pairs,
        });
    }
}
