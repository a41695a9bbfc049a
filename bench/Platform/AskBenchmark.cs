using System.Text.Json;
using RagPlatform.Contracts.V1;
using RagPlatform.Grpc;
using RagPlatform.Testing;

namespace RagPlatform.Bench.Platform;

/// <summary>One concurrency level: /v1/ask and the bare generator, measured back to back.</summary>
internal sealed record AskLevel(int Users, string LoadBefore, string LoadAfter, LoopResult<AskSample> Ask, LoopResult<GenerateSample> Generate);

/// <summary>
/// `ask`: closed-loop users on /v1/ask at each concurrency (half the asks as JSON, half as SSE for time to first
/// token), then the same number of closed-loop callers on the bare Generator with the prompts those asks built.
/// </summary>
internal static class AskBenchmark
{
    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var corpus = SquadSet.Load(settings.Paragraphs);
        var maxUsers = settings.Users.Max();
        var loadAtStart = Stats.LoadAverage();
        Log($"models {settings.Models}, users {string.Join(",", settings.Users)}, {Bound(settings)} per level, max tokens {settings.MaxTokens}, load {loadAtStart}");
        await using var bench = await BenchPlatform.StartAsync(settings, Overrides(maxUsers));
        var models = await bench.ModelsAsync(cancellationToken);
        Log($"ingesting {corpus.Paragraphs.Count} SQuAD paragraphs");
        var ingest = await bench.IngestAsync(corpus.Paragraphs, cancellationToken);
        Log($"indexed in {ingest.TotalSeconds:F1} s");

        var keys = await bench.CreateUserKeysAsync(maxUsers, cancellationToken);
        var clients = keys.Select(k => bench.Platform.CreateClient(k, TimeSpan.FromMinutes(5))).ToList();
        using var generatorChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{bench.Platform.Port(PlatformService.Generator)}");
        var peer = new GeneratorPeer(generatorChannel, settings.MaxTokens);
        long nextQuestion = 0;
        Task<AskSample> Ask(int user, long turn, CancellationToken ct)
        {
            var question = corpus.Questions[(int)(Interlocked.Increment(ref nextQuestion) % corpus.Questions.Count)].Question;
            // Users alternate JSON and SSE, offset by user, so both kinds are in flight at every moment.
            return new AskCall(clients[user], settings).AskAsync(question, stream: (turn + user) % 2 == 1, ct);
        }

        try
        {
            Log($"warm-up: {settings.Warmup.TotalSeconds} s of asks and bare generations");
            var warm = await ClosedLoop.RunAsync(1, settings.Warmup, null, Ask, cancellationToken);
            var warmPrompts = Prompts(warm.Samples);
            await ClosedLoop.RunAsync(1, settings.Warmup / 2, null, (_, turn, ct) => peer.GenerateAsync(warmPrompts[(int)(turn % warmPrompts.Count)], ct), cancellationToken);

            var levels = new List<AskLevel>();
            foreach (var users in settings.Users)
            {
                var before = Stats.LoadAverage();
                var asks = await ClosedLoop.RunAsync(users, settings.Duration, settings.Requests, Ask, cancellationToken);
                Log($"{users} users: {asks.Samples.Count} asks in {asks.Elapsed.TotalSeconds:F1} s, {asks.Samples.Count(s => s.Error is not null)} errors");
                var prompts = Prompts(asks.Samples.Concat(warm.Samples));
                var generations = await ClosedLoop.RunAsync(users, settings.Duration, settings.Requests,
                    (user, turn, ct) => peer.GenerateAsync(prompts[(int)((turn * users + user) % prompts.Count)], ct), cancellationToken);
                Log($"{users} callers: {generations.Samples.Count} bare generations in {generations.Elapsed.TotalSeconds:F1} s");
                levels.Add(new AskLevel(users, before, Stats.LoadAverage(), asks, generations));
            }

            var loadAtEnd = Stats.LoadAverage();
            var report = AskReport.Markdown(settings, levels, ingest, corpus, loadAtStart, loadAtEnd, models, bench.ResidentMemory());
            Console.WriteLine(report);
            var warnings = bench.ServiceWarnings();
            var directory = await ResultFiles.WriteAsync(settings, $"ask-{settings.Models}", report, AskReport.Summaries(levels), warnings, cancellationToken);
            Log($"{warnings.Count} warnings or errors logged by the services (in ask-{settings.Models}-warnings.log)");
            foreach (var warning in warnings.Take(20))
            {
                Log(warning);
            }

            Log($"results in {directory}");
            return levels.Any(l => l.Ask.Samples.Any(s => s.Error is not null) || l.Generate.Samples.Any(s => s.Error is not null)) ? 1 : 0;
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>
    /// The one change from the shipped configuration: Generator:MaxQueuedRequests. With one sequence at a time and 16
    /// users, 15 asks wait for the generator; the default queue of 8 would refuse 7 of them with RESOURCE_EXHAUSTED
    /// (429 at the gateway) and the benchmark would measure refusals. Each user has its own key, so the per-key limits
    /// (20 requests/s, 8 asks in flight) stay as shipped: a closed-loop user has one ask in flight.
    /// </summary>
    private static Dictionary<PlatformService, Dictionary<string, string?>> Overrides(int maxUsers) => new()
    {
        [PlatformService.Generator] = new() { ["Generator__MaxQueuedRequests"] = Math.Max(8, 2 * maxUsers).ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };

    /// <summary>The prompts the answered asks were given, rebuilt for the bare generator.</summary>
    private static List<Chat> Prompts(IEnumerable<AskSample> asks)
    {
        var prompts = asks.Where(a => a is { Error: null, NoAnswer: false, Passages.Count: > 0 }).Select(GeneratorPeer.PromptOf).ToList();
        return prompts.Count > 0 ? prompts : throw new InvalidOperationException("No ask produced an answer to take a prompt from.");
    }

    private static string Bound(BenchSettings settings) =>
        settings.Requests is { } requests ? $"{requests} requests" : $"{settings.Duration.TotalSeconds} s";

    private static void Log(string message) => Console.Error.WriteLine($"platform-ask: {message}");
}
