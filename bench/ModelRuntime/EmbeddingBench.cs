using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;

namespace RagPlatform.Bench.ModelRuntime;

/// <summary>Sentences per second of the C# embedding pipeline (tokenize, pad, run, pool, normalise).</summary>
internal static partial class EmbeddingBench
{
    /// <summary>
    /// Writes texts that tokenize to exactly --tokens ids (special tokens included) from single-token words of SQuAD
    /// paragraphs, with their ids: every peer then feeds the model the same inputs without truncating.
    /// </summary>
    public static int Prepare(BenchArguments args)
    {
        var tokenizer = ModelDirectory.Load(args.String("model")).Tokenizer;
        var tokens = args.Int("tokens");
        var count = args.Int("count");
        using var squad = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(args.String("shared"), "data", "squad-v2", "dev-v2.0.json")));
        var words = squad.RootElement.GetProperty("data").EnumerateArray()
            .SelectMany(a => a.GetProperty("paragraphs").EnumerateArray())
            .SelectMany(p => Word().Matches(p.GetProperty("context").GetString()!).Select(m => m.Value.ToLowerInvariant()))
            .Where(w => tokenizer.Encode(w, addSpecialTokens: false).Length == 1)
            .Take(count * tokens)
            .ToArray();
        var texts = new List<string>();
        var ids = new List<IReadOnlyList<int>>();
        for (var i = 0; i < count; i++)
        {
            var text = string.Join(' ', words.Skip(i * (tokens - 2)).Take(tokens - 2));
            var encoding = tokenizer.Encode(text);
            if (encoding.Length != tokens)
            {
                throw new InvalidOperationException($"Text {i} encodes to {encoding.Length} tokens, not {tokens}.");
            }

            texts.Add(text);
            ids.Add(encoding.Ids);
        }

        File.WriteAllText(args.String("out"), JsonSerializer.Serialize(new { tokens, texts, ids }));
        return BenchArguments.Emit(new { prepared = count, tokens });
    }

    public static int Run(BenchArguments args)
    {
        var batch = args.Int("batch");
        var seconds = args.Int("seconds");
        var threads = args.Int("threads");
        using var inputs = JsonDocument.Parse(File.ReadAllBytes(args.String("inputs")));
        var texts = inputs.RootElement.GetProperty("texts").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var sessions = OnnxSessionFactory.Create();
        var model = ModelDirectory.Load(args.String("model"));
        using var embedder = TextEmbedder.Open(sessions, model, new TextEmbedderOptions
        {
            MaxBatchSize = batch,
            Session = new InferenceSessionOptions { IntraOpThreads = threads, InterOpThreads = 1 },
        });
        var batches = Enumerable.Range(0, texts.Length / batch).Select(b => texts.Skip(b * batch).Take(batch).ToArray()).ToArray();

        embedder.Embed(batches[0]);
        var runs = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds || runs < 3)
        {
            var embeddings = embedder.Embed(batches[runs % batches.Length]);
            if (embeddings[0].TokenCount != inputs.RootElement.GetProperty("tokens").GetInt32())
            {
                throw new InvalidOperationException("The inputs changed length.");
            }

            runs++;
        }

        var elapsed = clock.Elapsed.TotalSeconds;
        return BenchArguments.Emit(new
        {
            peer = "csharp-pipeline",
            batch,
            threads,
            runs,
            seconds = elapsed,
            sentencesPerSecond = runs * batch / elapsed,
            vmHwmKb = BenchArguments.PeakResidentKb(),
        });
    }

    [GeneratedRegex(@"[A-Za-z]+")]
    private static partial Regex Word();
}
