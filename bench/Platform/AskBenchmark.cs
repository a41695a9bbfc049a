using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using RagPlatform.Contracts.V1;
using RagPlatform.Launcher;

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
        var models = await bench.Gateway.GetModelsAsync(cancellationToken);
        Log($"ingesting {corpus.Paragraphs.Count} SQuAD paragraphs");
        var ingest = await bench.IngestAsync(corpus.Paragraphs, cancellationToken);
        Log($"indexed in {ingest.TotalSeconds:F1} s");

        var keys = await bench.CreateUserKeysAsync(maxUsers, cancellationToken);
        var clients = keys.Select(k => bench.Platform.CreateGatewayClient(k, timeout: TimeSpan.FromMinutes(5), rateLimitRetries: 0)).ToList();
        using var generatorChannel = GrpcChannel.ForAddress(bench.Platform.Url(PlatformService.Generator));
        // The ask's budget: timeoutSeconds when given, else the gateway's default Gateway:AskTimeout of 60 s.
        var peer = new GeneratorPeer(generatorChannel, settings.MaxTokens, TimeSpan.FromSeconds(settings.TimeoutSeconds ?? 60));
        long nextQuestion = 0;
        Task<AskSample> Ask(int user, long turn, CancellationToken ct)
        {
            var question = corpus.Questions[(int)(Interlocked.Increment(ref nextQuestion) % corpus.Questions.Count)].Question;
            // Users alternate JSON and SSE, offset by user, so both kinds are in flight at every moment.
            return new AskCall(clients[user], settings).AskAsync(question, stream: (turn + user) % 2 == 1, ct);
        }

        {
            Log($"warm-up: {settings.Warmup.TotalSeconds} s of asks and bare generations");
            var warm = await ClosedLoop.RunAsync(1, settings.Warmup, null, Ask, cancellationToken);
            var warmPrompts = Prompts(warm.Samples);
            if (warmPrompts.Count == 0)
            {
                throw new InvalidOperationException("No warm-up ask was answered; see the services' warnings.");
            }

            await ClosedLoop.RunAsync(1, settings.Warmup / 2, null, (_, turn, ct) => peer.GenerateAsync(warmPrompts[(int)(turn % warmPrompts.Count)], ct), cancellationToken);

            var levels = new List<AskLevel>();
            var slice = settings.Duration / settings.Rounds;
            int? sliceRequests = settings.Requests is { } total ? (total + settings.Rounds - 1) / settings.Rounds : null;
            foreach (var users in settings.Users)
            {
                var before = Stats.LoadAverage();
                var (askRounds, generateRounds) = (new List<LoopResult<AskSample>>(), new List<LoopResult<GenerateSample>>());
                var prompts = warmPrompts;
                // Interleaved rounds, so load from elsewhere on the shared machine falls on both paths alike.
                for (var round = 0; round < settings.Rounds; round++)
                {
                    var asks = await ClosedLoop.RunAsync(users, slice, sliceRequests, Ask, cancellationToken);
                    askRounds.Add(asks);
                    prompts = [.. Prompts(asks.Samples).Concat(prompts).Take(200)];
                    generateRounds.Add(await ClosedLoop.RunAsync(users, slice, sliceRequests,
                        (user, turn, ct) => peer.GenerateAsync(prompts[(int)((turn * users + user) % prompts.Count)], ct), cancellationToken));
                }

                var level = new AskLevel(users, before, Stats.LoadAverage(), LoopResult<AskSample>.Merge(askRounds), LoopResult<GenerateSample>.Merge(generateRounds));
                Log($"{users} users: {level.Ask.Samples.Count} asks ({level.Ask.Samples.Count(s => s.Error is not null)} errors), " +
                    $"{level.Generate.Samples.Count} bare generations ({level.Generate.Samples.Count(s => s.Error is not null)} errors) in {settings.Rounds} rounds");
                levels.Add(level);
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
    private static List<Chat> Prompts(IEnumerable<AskSample> asks) =>
        [.. asks.Where(a => a is { Error: null, NoAnswer: false, Passages.Count: > 0 }).Select(GeneratorPeer.PromptOf)];

    private static string Bound(BenchSettings settings) =>
        settings.Requests is { } requests ? $"{requests} requests" : $"{settings.Duration.TotalSeconds} s";

    private static void Log(string message) => Console.Error.WriteLine($"platform-ask: {message}");
}
