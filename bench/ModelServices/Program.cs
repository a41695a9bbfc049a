using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using RagPlatform.Contracts.V1;
using RagPlatform.Inference.Embeddings;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;
using RagPlatform.Launcher;
using RagPlatform.Testing;

// Usage: RagPlatform.Bench.ModelServices [--size real|tiny] [--seconds 8] [--clients 1,8,64] [--threads 2] [--spinning true|false]
// Prints one JSON line per measurement. Every run is bounded by --seconds.
var options = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
var size = options.GetValueOrDefault("size", "real");
var seconds = double.Parse(options.GetValueOrDefault("seconds", "8"), provider: null);
var clients = options.GetValueOrDefault("clients", "1,8,64").Split(',').Select(c => int.Parse(c, provider: null)).ToArray();
var threads = options.GetValueOrDefault("threads", "2");
// The model services' default (<Service>:AllowSpinning false: ORT's worker threads sleep between operators); true is ORT's own.
var spinning = options.GetValueOrDefault("spinning", "false");
var models = Path.Combine(TestPaths.RepoRoot, ".models", "forged", size);
var duration = TimeSpan.FromSeconds(seconds);
var texts = Enumerable.Range(0, 512).Select(i => $"Passage {i}: {string.Join(' ', Enumerable.Repeat("retrieval augmented generation", 3 + (i % 12)))}").ToArray();

var sessions = OnnxSessionFactory.Create();
using (var embedder = TextEmbedder.Open(sessions, ModelDirectory.Load(Path.Combine(models, "minilm-embedder")),
           new TextEmbedderOptions { Session = new InferenceSessionOptions { IntraOpThreads = int.Parse(threads, provider: null), AllowSpinning = bool.Parse(spinning) } }))
{
    foreach (var n in clients)
    {
        var rate = await MeasureAsync(n, duration, (i, _) => { embedder.Embed([texts[i % texts.Length]]); return Task.CompletedTask; });
        Report("embedder", "in-process", n, rate, "texts/s");
    }
}

await using (var service = await ServiceProcess.StartAsync(new ServiceProcessOptions(
    TestPaths.ServiceDll("services/Embedder", "RagPlatform.Embedder"), "rag.v1.Embedder")
{
    Environment = new Dictionary<string, string?>
    {
        ["Embedder__ModelDirectory"] = Path.Combine(models, "minilm-embedder"),
        ["Embedder__IntraOpThreads"] = threads,
        ["Embedder__AllowSpinning"] = spinning,
        ["Logging__LogLevel__Default"] = "Warning",
    },
}))
{
    var client = new Embedder.EmbedderClient(service.Channel);
    foreach (var n in clients)
    {
        var rate = await MeasureAsync(n, duration, (i, ct) => client.EmbedAsync(new EmbedRequest { Texts = { texts[i % texts.Length] } }, new CallOptions(cancellationToken: ct)).ResponseAsync);
        Report("embedder", "service", n, rate, "texts/s");
    }
}

await using (var service = await ServiceProcess.StartAsync(new ServiceProcessOptions(
    TestPaths.ServiceDll("services/Reranker", "RagPlatform.Reranker"), "rag.v1.Reranker")
{
    Environment = new Dictionary<string, string?>
    {
        ["Reranker__ModelDirectory"] = Path.Combine(models, "minilm-reranker"),
        ["Reranker__IntraOpThreads"] = threads,
        ["Logging__LogLevel__Default"] = "Warning",
    },
}))
{
    var client = new Reranker.RerankerClient(service.Channel);
    var request = new RerankRequest { Query = "what is retrieval augmented generation", Passages = { texts.Take(50) } };
    var calls = await MeasureAsync(1, duration, (_, ct) => client.RerankAsync(request, new CallOptions(cancellationToken: ct)).ResponseAsync);
    Report("reranker", "service", 1, calls * request.Passages.Count, "pairs/s");
}

static void Report(string model, string mode, int clients, double rate, string unit) =>
    Console.WriteLine(JsonSerializer.Serialize(new { model, mode, clients, rate = Math.Round(rate, 1), unit }));

// Runs `clients` loops for `duration` after a one-second warm-up; returns completed operations per second.
static async Task<double> MeasureAsync(int clients, TimeSpan duration, Func<int, CancellationToken, Task> operation)
{
    using var warm = new CancellationTokenSource(TimeSpan.FromSeconds(1));
    await RunAsync(clients, operation, warm.Token);
    using var stop = new CancellationTokenSource(duration);
    var clock = Stopwatch.StartNew();
    var done = await RunAsync(clients, operation, stop.Token);
    return done / clock.Elapsed.TotalSeconds;
}

static async Task<long> RunAsync(int clients, Func<int, CancellationToken, Task> operation, CancellationToken stop)
{
    long done = 0;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
    {
        for (var i = c; !stop.IsCancellationRequested; i += clients)
        {
            await operation(i, CancellationToken.None);
            Interlocked.Increment(ref done);
        }
    })));
    return done;
}
