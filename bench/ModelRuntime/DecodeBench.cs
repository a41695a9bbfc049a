using System.Diagnostics;
using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;

namespace RagPlatform.Bench.ModelRuntime;

/// <summary>
/// Decode rate of the C# generator (greedy, KV cache) on a prompt of fixed token ids: the time from the first
/// generated token (prefill) to the last, per token.
/// </summary>
internal static class DecodeBench
{
    public static async Task<int> RunAsync(BenchArguments args)
    {
        var promptTokens = args.Int("prompt-tokens");
        var newTokens = args.Int("new-tokens");
        var threads = args.Int("threads");
        var directory = args.String("model");
        var clock = Stopwatch.StartNew();
        var sessions = OnnxSessionFactory.Create();
        var model = ModelDirectory.Load(directory, requireTokenizer: false);
        using var generator = TextGenerator.Open(sessions, model, new TextGeneratorOptions
        {
            Session = new InferenceSessionOptions { IntraOpThreads = threads, InterOpThreads = 1 },
            PrefillChunkTokens = args.Optional("prefill-chunk") is { } tokens ? int.Parse(tokens, System.Globalization.CultureInfo.InvariantCulture) : null,
        });
        var load = clock.Elapsed.TotalSeconds;
        var prompt = GenerationPrompt.FromTokenIds(PromptIds(promptTokens, generator.Model.VocabularySize));
        var options = new GenerationOptions { MaxNewTokens = newTokens, Temperature = 0, RepetitionPenalty = 1f };

        double prefill = 0, decode = 0;
        var generated = 0;
        clock.Restart();
        var ids = new List<int>();
        await foreach (var chunk in generator.StreamAsync(prompt, options))
        {
            generated = chunk.Usage?.CompletionTokens ?? generated + 1;
            ids.AddRange(chunk.TokenIds);
            if (prefill == 0)
            {
                prefill = clock.Elapsed.TotalSeconds;
            }

            decode = clock.Elapsed.TotalSeconds - prefill;
        }

        return BenchArguments.Emit(new
        {
            peer = "csharp-generator",
            model = Path.GetFileName(Path.GetFullPath(directory)),
            threads,
            promptTokens,
            prefillChunkTokens = generator.PrefillChunkTokens,
            generated,
            loadSeconds = load,
            prefillSeconds = prefill,
            decodeTokensPerSecond = generated > 1 ? (generated - 1) / decode : (double?)null,
            weightsBytes = WeightsBytes(model.OnnxPath),
            firstIds = ids.Take(8),
            vmHwmKb = BenchArguments.PeakResidentKb(),
        });
    }

    /// <summary>The same deterministic prompt the node peer builds: (i * 7919 + 13) mod (vocabulary / 2).</summary>
    public static int[] PromptIds(int count, int vocabulary) => Enumerable.Range(0, count).Select(i => ((i * 7919) + 13) % (vocabulary / 2)).ToArray();

    /// <summary>The ONNX file plus its external data: what a decode step streams through memory (fp32 weights).</summary>
    public static long WeightsBytes(string onnxPath) =>
        new FileInfo(onnxPath).Length + (File.Exists(onnxPath + "_data") ? new FileInfo(onnxPath + "_data").Length : 0);
}
