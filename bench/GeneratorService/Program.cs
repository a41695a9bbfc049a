using System.Diagnostics;
using System.Globalization;
using RagPlatform.Bench.GeneratorService;
using RagPlatform.Inference.Generation;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;

// Usage: dotnet RagPlatform.Bench.GeneratorService.dll <generator-host.dll> <model-dir>... [--tokens N]
// Each model: in-process TextGenerator, then (when it has a tokenizer) the Generator service, with 1 and 4 streams.
var hostDll = args[0];
var tokens = args.Contains("--tokens") ? int.Parse(args[Array.IndexOf(args, "--tokens") + 1], CultureInfo.InvariantCulture) : 32;
var models = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
int[] concurrencies = [1, 4];

Console.WriteLine("| model | path | streams | time to first token (median ms) | tokens/s per stream | tokens/s total |");
Console.WriteLine("|---|---|---|---|---|---|");
var sessions = OnnxSessionFactory.Create();
foreach (var path in models)
{
    var directory = ModelDirectory.Load(path, requireTokenizer: false);
    var name = Path.GetFileName(path);
    using (var generator = TextGenerator.Open(sessions, directory, new TextGeneratorOptions { Session = new InferenceSessionOptions { IntraOpThreads = 2 } }))
    {
        // A tokenizer-less model (smollm2 is config-only) is fed raw token ids.
        var prompt = directory.HasTokenizer
            ? GenerationPrompt.FromText("Retrieval-augmented generation answers questions by")
            : GenerationPrompt.FromTokenIds([1, 504, 3314, 282, 6476, 314, 260, 2569]);
        await StreamRun.RunAsync(1, 2, _ => InProcess(generator, prompt, 2)); // warm-up
        foreach (var streams in concurrencies)
        {
            Report(name, "in-process", streams, await StreamRun.RunAsync(streams, tokens, _ => InProcess(generator, prompt, tokens)));
        }
    }

    if (!directory.HasTokenizer)
    {
        Console.WriteLine($"| {name} | service | - | (no tokenizer: the service takes text prompts only) | | |");
        continue;
    }

    await using var service = await GeneratorHost.StartAsync(hostDll, path, concurrencies.Max());
    await StreamRun.RunAsync(1, 2, _ => service.StreamAsync(2));
    foreach (var streams in concurrencies)
    {
        Report(name, "service (gRPC)", streams, await StreamRun.RunAsync(streams, tokens, _ => service.StreamAsync(tokens)));
    }
}

static async IAsyncEnumerable<int> InProcess(TextGenerator generator, GenerationPrompt prompt, int tokens)
{
    await foreach (var chunk in generator.StreamAsync(prompt, new GenerationOptions { MaxNewTokens = tokens }))
    {
        yield return chunk.TokenIds.Count;
    }
}

static void Report(string model, string path, int streams, StreamRun.Result result) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {model} | {path} | {streams} | {result.MedianTimeToFirstToken.TotalMilliseconds:F0} | {result.TokensPerSecondPerStream:F1} | {result.TokensPerSecondTotal:F1} |"));

namespace RagPlatform.Bench.GeneratorService
{
    /// <summary>N concurrent streams of token counts; times first token per stream and total throughput.</summary>
    internal static class StreamRun
    {
        public sealed record Result(TimeSpan MedianTimeToFirstToken, double TokensPerSecondPerStream, double TokensPerSecondTotal);

        public static async Task<Result> RunAsync(int streams, int tokens, Func<int, IAsyncEnumerable<int>> open)
        {
            var clock = Stopwatch.StartNew();
            var runs = await Task.WhenAll(Enumerable.Range(0, streams).Select(i => Task.Run(async () =>
            {
                TimeSpan? first = null;
                var count = 0;
                var started = clock.Elapsed;
                await foreach (var n in open(i))
                {
                    first ??= clock.Elapsed - started;
                    count += n;
                }

                return (First: first ?? TimeSpan.Zero, Count: count, Duration: clock.Elapsed - started);
            })));
            var total = clock.Elapsed.TotalSeconds;
            var firsts = runs.Select(r => r.First).Order().ToArray();
            return new Result(firsts[firsts.Length / 2], runs.Average(r => r.Count / r.Duration.TotalSeconds), runs.Sum(r => r.Count) / total);
        }
    }
}
