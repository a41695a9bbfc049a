using System.Diagnostics;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Evaluation.Squad;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Reranking;
using RagPlatform.Inference.Runtime;
using RagPlatform.Launcher;
using RagPlatform.Testing;

namespace RagPlatform.Bench.ModelRuntime;

/// <summary>
/// The reranker on what an answer gives it: a SQuAD dev question and 20 paragraphs (its own article's first, then the
/// next articles'), scored by the cross-encoder in-process in three variants interleaved per round: float32 with every
/// run padded to its longest pair (before), float32 in length buckets (after), int8 in length buckets. Then the
/// Reranker service with 4 concurrent callers of 20 passages, without cross-call batching (a batch holds one call's 20
/// pairs) and with it (the default). Every score of the bucketed runs is compared with the padded one's.
/// </summary>
internal static class RerankBench
{
    private const int Passages = 20;

    public static async Task<int> RunAsync(BenchArguments args)
    {
        var squad = await SquadDataset.LoadAsync(args.String("squad"));
        var asks = Asks(squad, args.Int("questions", 12));
        var threads = args.Int("threads");
        var rounds = args.Int("rounds", 3);
        var runtime = OnnxSessionFactory.Create();
        var session = new InferenceSessionOptions { IntraOpThreads = threads, InterOpThreads = 1 };
        var variants = new (string Name, string Directory, bool Bucket)[]
        {
            ("fp32-padded", args.String("model"), false),
            ("fp32-bucketed", args.String("model"), true),
            ("int8-bucketed", args.String("int8"), true),
        };
        var encoders = variants.Select(v => CrossEncoder.Open(runtime, ModelDirectory.Load(v.Directory), new CrossEncoderOptions
        {
            Session = session,
            BucketByLength = v.Bucket,
        })).ToArray();
        try
        {
            var seconds = variants.Select(_ => new List<double>()).ToArray();
            var scores = variants.Select(_ => new List<IReadOnlyList<PairScore>>()).ToArray();
            foreach (var encoder in encoders)
            {
                encoder.Score(asks[0].Question, asks[0].Passages); // ORT's lazy set-up, outside the timings
            }

            for (var round = 0; round < rounds; round++)
            {
                foreach (var ask in asks)
                {
                    for (var v = 0; v < variants.Length; v++)
                    {
                        var clock = Stopwatch.StartNew();
                        var scored = encoders[v].Score(ask.Question, ask.Passages);
                        seconds[v].Add(clock.Elapsed.TotalSeconds);
                        if (round == 0)
                        {
                            scores[v].Add(scored);
                        }
                    }
                }
            }

            var tokens = scores[0].SelectMany(s => s).Sum(s => s.TokenCount);
            var padded = scores[0].Sum(s => s.Count * s.Max(p => p.TokenCount));
            for (var v = 0; v < variants.Length; v++)
            {
                var sorted = seconds[v].Order().ToArray();
                BenchArguments.Emit(new
                {
                    command = "rerank",
                    variant = variants[v].Name,
                    model = encoders[v].Model.ModelId,
                    file = Path.GetFileName(encoders[v].Model.OnnxPath),
                    forged = encoders[v].Model.Forged,
                    passages = Passages,
                    calls = sorted.Length,
                    medianSeconds = sorted[sorted.Length / 2],
                    meanSeconds = sorted.Average(),
                    p90Seconds = sorted[(int)(sorted.Length * 0.9)],
                    // Against float32 padded: 0 means bucketing left every score as it was.
                    maxScoreDifference = scores[v].Zip(scores[0]).Max(p => p.First.Zip(p.Second).Max(s => Math.Abs(s.First.Score - s.Second.Score))),
                    sameTop1 = scores[v].Zip(scores[0]).Average(p => Top(p.First) == Top(p.Second) ? 1.0 : 0.0),
                    tokensPerCall = (double)tokens / asks.Count,
                    paddedTokensPerCall = (double)padded / asks.Count,
                    threads,
                });
            }
        }
        finally
        {
            foreach (var encoder in encoders)
            {
                encoder.Dispose();
            }
        }

        foreach (var (name, pairsPerBatch) in new[] { ("service-one-call-per-batch", Passages), ("service-batched", 0) })
        {
            await ServiceAsync(args, asks, name, pairsPerBatch, threads);
        }

        return 0;
    }

    /// <summary>4 callers, each asking for its questions in turn for --seconds; calls/s and latency per call.</summary>
    private static async Task ServiceAsync(BenchArguments args, List<(string Question, string[] Passages)> asks, string name, int pairsPerBatch, int threads)
    {
        const int Callers = 4;
        var environment = new Dictionary<string, string?>
        {
            ["Reranker__ModelDirectory"] = args.Optional("service-model") ?? args.String("model"),
            ["Reranker__IntraOpThreads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (pairsPerBatch > 0)
        {
            environment["Reranker__MaxPairsPerBatch"] = pairsPerBatch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var service = await ServiceProcess.StartAsync(new ServiceProcessOptions(
            TestPaths.ServiceDll("services/Reranker", "RagPlatform.Reranker"), "rag.v1.Reranker") { Environment = environment });
        var client = new Contracts.V1.Reranker.RerankerClient(service.Channel);
        var requests = asks.Select(a => new RerankRequest { Query = a.Question, Passages = { a.Passages } }).ToArray();
        await client.RerankAsync(requests[0]);
        var latencies = new List<double>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(args.Int("seconds", 30)));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(async caller =>
        {
            for (var i = caller; !stop.IsCancellationRequested; i += Callers)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await client.RerankAsync(requests[i % requests.Length], cancellationToken: stop.Token);
                }
                catch (RpcException) when (stop.IsCancellationRequested)
                {
                    return;
                }

                lock (latencies)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
                }
            }
        }));
        var sorted = latencies.Order().ToArray();
        BenchArguments.Emit(new
        {
            command = "rerank-service",
            variant = name,
            callers = Callers,
            passages = Passages,
            calls = sorted.Length,
            callsPerSecond = sorted.Length / clock.Elapsed.TotalSeconds,
            medianSeconds = sorted.Length == 0 ? 0 : sorted[sorted.Length / 2],
            meanSeconds = sorted.Length == 0 ? 0 : sorted.Average(),
            threads,
        });
    }

    /// <summary>Questions spread over the set, each with 20 paragraphs: its article's first, then the following articles'.</summary>
    private static List<(string Question, string[] Passages)> Asks(SquadDataset squad, int count)
    {
        var paragraphs = squad.Paragraphs;
        var index = paragraphs.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        return [.. Enumerable.Range(0, count).Select(i => squad.Questions[i * squad.Questions.Count / count]).Select(q =>
        {
            var article = paragraphs[index[q.ParagraphId]].ArticleTitle;
            var first = paragraphs.Select((p, i) => (p, i)).First(x => x.p.ArticleTitle == article).i;
            return (q.Text, Enumerable.Range(first, Passages).Select(i => paragraphs[i % paragraphs.Count].Text).ToArray());
        })];
    }

    private static int Top(IReadOnlyList<PairScore> scores) => Enumerable.Range(0, scores.Count).MaxBy(i => scores[i].Score);
}
