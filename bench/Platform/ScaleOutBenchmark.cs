using System.Diagnostics;
using System.Globalization;
using System.Text;
using RagPlatform.Client;
using RagPlatform.Launcher;
using RagPlatform.Testing;
using RagPlatform.Testing.Postgres;

namespace RagPlatform.Bench.Platform;

/// <summary>One ingestion of the same paragraphs: how the platform was set up and how long it took to index them all.</summary>
internal sealed record IngestionRun(string Setup, int Orchestrators, string Store, int Documents, long Chunks, double Seconds)
{
    public double DocumentsPerSecond => Documents / Seconds;

    public double ChunksPerSecond => Chunks / Seconds;
}

/// <summary>Ask latency of the same users sent to one gateway, or spread over two.</summary>
internal sealed record GatewayRun(int Gateways, int Users, int Asks, int Failed, double P50, double P95);

internal sealed record ScaleOutResults(IReadOnlyList<IngestionRun> Ingestion, IReadOnlyList<GatewayRun> Asks, string LoadAverage);

/// <summary>
/// The scaled platform measured against itself in one run (bench/scale-out.sh), on one throw-away PostgreSQL server
/// and a fake Qdrant process per platform: ingestion of the same SQuAD paragraphs with one orchestrator on the
/// embedded (SQLite) queue, one on the PostgreSQL queue and two on the PostgreSQL queue (the difference of the first
/// two per document is what the leased queue costs); then, on the two-orchestrator platform, closed-loop askers all on
/// gateway A against the same askers spread over gateways A and B, interleaved in rounds.
/// </summary>
internal static class ScaleOutBenchmark
{
    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var squad = SquadSet.Load(settings.Paragraphs);
        await using var postgres = await PostgresServer.StartAsync();
        var ingestion = new List<IngestionRun>();
        var asks = new List<GatewayRun>();
        var warnings = new List<string>();
        foreach (var (orchestrators, store) in new[] { (1, "Embedded"), (1, "Postgres"), (2, "Postgres") })
        {
            await using var qdrant = await FakeQdrantProcess.StartAsync();
            var data = Directory.CreateTempSubdirectory("rag-bench-scale-");
            try
            {
                await using var platform = await StartAsync(settings, postgres, qdrant, orchestrators, store, data.FullName);
                var (chunks, seconds) = await IngestAsync(platform, squad.Paragraphs, cancellationToken);
                ingestion.Add(new IngestionRun($"{orchestrators} orchestrator{(orchestrators > 1 ? "s" : "")}, {store} queue", orchestrators, store,
                    squad.Paragraphs.Count, chunks, seconds));
                Console.WriteLine($"ingested {squad.Paragraphs.Count} documents ({chunks} chunks) in {seconds:F1} s: {ingestion[^1].Setup}");
                if (orchestrators == 2)
                {
                    asks.AddRange(await AskThroughGatewaysAsync(settings, platform, squad.Questions, cancellationToken));
                }

                warnings.AddRange(PlatformServices.All.SelectMany(s => platform.Plan.Of(s)).SelectMany(l => platform[l.Instance].OutputLines
                    .Where(line => line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal))
                    .Select(line => $"{l.Instance}: {line}")));
            }
            finally
            {
                data.Delete(recursive: true);
            }
        }

        var results = new ScaleOutResults(ingestion, asks, Stats.LoadAverage());
        var markdown = Report(results);
        Console.WriteLine(markdown);
        var directory = await ResultFiles.WriteAsync(settings, "scale-out", markdown, results, warnings, cancellationToken);
        Console.WriteLine($"results: {directory}/scale-out.md");
        return asks.Any(a => a.Failed > 0) ? 1 : 0;
    }

    private static async Task<RunningPlatform> StartAsync(BenchSettings settings, PostgresServer postgres, FakeQdrantProcess qdrant, int orchestrators,
        string store, string data)
    {
        var database = await postgres.CreateDatabaseAsync($"scale_{orchestrators}_{store}");
        var threads = settings.Threads?.ToString(CultureInfo.InvariantCulture);
        var perService = PlatformServices.ModelServices.ToDictionary(s => s,
            s => (IReadOnlyDictionary<string, string?>)new Dictionary<string, string?> { [$"{s.Project}__IntraOpThreads"] = threads });
        perService[PlatformService.Orchestrator] = new Dictionary<string, string?>
        {
            ["Orchestrator__Store"] = store,
            ["Orchestrator__PostgresConnectionString"] = database,
            ["Orchestrator__Index"] = "Qdrant",
            ["Orchestrator__QdrantUrl"] = qdrant.Url,
        };
        perService[PlatformService.Gateway] = new Dictionary<string, string?>
        {
            ["Gateway__Store"] = "Postgres",
            ["Gateway__PostgresConnectionString"] = database,
            // The load is a handful of keys: what is measured is the platform, not the per-key limiter.
            ["Gateway__RequestsPerSecond"] = "10000",
            ["Gateway__RequestBurst"] = "10000",
        };
        return await RunningPlatform.StartAsync(new PlatformOptions(data)
        {
            ModelsDirectory = settings.Models == "tiny" ? null : BenchPlatform.ModelsDirectory(settings),
            Orchestrators = orchestrators,
            Gateways = 2,
            Settings = perService,
        });
    }

    /// <summary>Uploads through both gateways (each wakes its own orchestrator), 20 files a request, and waits until all are indexed.</summary>
    private static async Task<(long Chunks, double Seconds)> IngestAsync(RunningPlatform platform, IReadOnlyList<SquadParagraph> paragraphs, CancellationToken cancellationToken)
    {
        RagPlatformClient[] gateways = [platform.CreateGatewayClient(gateway: 0, timeout: TimeSpan.FromMinutes(5)), platform.CreateGatewayClient(gateway: 1, timeout: TimeSpan.FromMinutes(5))];
        await gateways[0].CreateCollectionAsync(BenchPlatform.Collection, cancellationToken);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(paragraphs.Chunk(20).Select((batch, i) => (batch, i)), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (item, token) => await gateways[item.i % 2].UploadDocumentsAsync(BenchPlatform.Collection,
                [.. item.batch.Select(p => new UploadFile(p.DocumentId, Encoding.UTF8.GetBytes(p.Text)))], token));
        var settled = await gateways[0].WaitUntilSettledAsync(BenchPlatform.Collection, TimeSpan.FromMinutes(30), cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var failed = settled.Count(d => d.State != DocumentStates.Indexed);
        return failed == 0
            ? (settled.Sum(d => (long)d.ChunkCount), seconds)
            : throw new InvalidOperationException($"{failed} of {settled.Count} documents failed to index.");
    }

    /// <summary>The same closed-loop users on gateway A alone, then spread over A and B, alternating for each round.</summary>
    private static async Task<IReadOnlyList<GatewayRun>> AskThroughGatewaysAsync(BenchSettings settings, RunningPlatform platform, IReadOnlyList<SquadQuestion> questions,
        CancellationToken cancellationToken)
    {
        var users = settings.Users.Max();
        var admin = platform.CreateGatewayClient();
        var keys = new List<string>();
        for (var i = 0; i < users; i++)
        {
            keys.Add((await admin.CreateKeyAsync(new CreateKeyRequest($"bench-user-{i}", [BenchPlatform.Collection]), cancellationToken)).Key);
        }

        var clients = Enumerable.Range(0, 2).Select(g => keys.Select(k => platform.CreateGatewayClient(k, g, TimeSpan.FromMinutes(5))).ToList()).ToList();
        var samples = new Dictionary<int, List<double?>> { [1] = [], [2] = [] };
        var round = settings.Requests is null ? settings.Duration / settings.Rounds : TimeSpan.Zero;
        var perRound = settings.Requests is { } total ? Math.Max(1, total / settings.Rounds) : (int?)null;
        for (var r = 0; r < settings.Rounds; r++)
        {
            foreach (var gateways in new[] { 1, 2 })
            {
                var result = await ClosedLoop.RunAsync(users, round, perRound, async (user, turn, token) =>
                {
                    var question = questions[(int)((user * 7919 + turn + r * 104729) % questions.Count)];
                    var clock = Stopwatch.StartNew();
                    var (status, _) = await GatewayOutcome.OfAsync(() => clients[gateways == 1 ? 0 : user % 2][user].AskAsync(
                        new AskRequest(BenchPlatform.Collection, question.Question) { Mode = settings.Mode, MaxTokens = settings.MaxTokens, TimeoutSeconds = settings.TimeoutSeconds },
                        token));
                    return status == System.Net.HttpStatusCode.OK ? clock.Elapsed.TotalMilliseconds : (double?)null;
                }, cancellationToken);
                samples[gateways].AddRange(result.Samples);
            }
        }

        return [.. samples.Select(s =>
        {
            var ok = s.Value.OfType<double>().ToList();
            return new GatewayRun(s.Key, users, s.Value.Count, s.Value.Count(v => v is null), Stats.Percentile(ok, 50), Stats.Percentile(ok, 95));
        })];
    }

    private static string Report(ScaleOutResults results)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"## Scale-out (load average at the end: {results.LoadAverage})").AppendLine()
            .AppendLine("| ingestion | documents | chunks | seconds | documents/s | chunks/s | vs 1 orchestrator on PostgreSQL |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var baseline = results.Ingestion.FirstOrDefault(r => r is { Orchestrators: 1, Store: "Postgres" });
        foreach (var run in results.Ingestion)
        {
            text.AppendLine(inv, $"| {run.Setup} | {run.Documents} | {run.Chunks} | {run.Seconds:F1} | {run.DocumentsPerSecond:F1} | {run.ChunksPerSecond:F1} | {run.DocumentsPerSecond / baseline!.DocumentsPerSecond:F2}x |");
        }

        if (results.Ingestion.FirstOrDefault(r => r.Store == "Embedded") is { } sqlite && baseline is not null)
        {
            text.AppendLine().AppendLine(inv, $"Leased PostgreSQL queue against the embedded SQLite queue, one orchestrator: "
                + $"{(baseline.Seconds - sqlite.Seconds) * 1000 / baseline.Documents:F1} ms more per document ({baseline.Seconds:F1} s against {sqlite.Seconds:F1} s).");
        }

        text.AppendLine().AppendLine("| asks | users | asks done | failed | p50 ms | p95 ms |").AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var run in results.Asks)
        {
            text.AppendLine(inv, $"| {(run.Gateways == 1 ? "gateway A only" : "gateways A and B")} | {run.Users} | {run.Asks} | {run.Failed} | {run.P50:F0} | {run.P95:F0} |");
        }

        if (results.Asks is [var one, var two])
        {
            text.AppendLine().AppendLine(inv, $"Two gateways against one: p50 {two.P50 / one.P50:F2}x, p95 {two.P95 / one.P95:F2}x.");
        }

        return text.ToString();
    }
}
