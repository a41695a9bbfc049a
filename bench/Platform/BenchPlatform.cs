using System.Diagnostics;
using System.Text;
using RagPlatform.Client;
using RagPlatform.Launcher;
using RagPlatform.Testing;

namespace RagPlatform.Bench.Platform;

/// <summary>
/// The five services as real processes (RunningPlatform over RagPlatform.Launcher) in a throw-away data directory,
/// with the SQuAD collection ingested through the gateway and API keys for the load's users.
/// </summary>
internal sealed class BenchPlatform : IAsyncDisposable
{
    public const string Collection = "squad";
    private readonly string _data;

    private BenchPlatform(RunningPlatform platform, string data)
    {
        Platform = platform;
        Gateway = platform.CreateGatewayClient(timeout: TimeSpan.FromMinutes(5));
        _data = data;
    }

    public RunningPlatform Platform { get; }

    /// <summary>The gateway with the admin key.</summary>
    public RagPlatformClient Gateway { get; }

    public static string ModelsDirectory(BenchSettings settings) =>
        Path.Combine(TestPaths.RepoRoot, ".models", "forged", settings.Models);

    /// <summary>
    /// Starts the platform with <paramref name="overrides"/> on top of RunningPlatform's wiring. The model services get
    /// <see cref="BenchSettings.Threads"/> intra-op threads, or their shipped default (RunningPlatform pins tests to 1).
    /// </summary>
    public static async Task<BenchPlatform> StartAsync(BenchSettings settings, IReadOnlyDictionary<PlatformService, Dictionary<string, string?>> overrides)
    {
        var data = Directory.CreateTempSubdirectory("rag-bench-platform-").FullName;
        var perService = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>();
        foreach (var service in PlatformServices.All)
        {
            var values = overrides.TryGetValue(service, out var given) ? new Dictionary<string, string?>(given) : [];
            if (service.ModelFolder is not null)
            {
                values.TryAdd($"{service.Project}__IntraOpThreads", settings.Threads?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (service is PlatformService.Orchestrator)
            {
                // These benchmarks measure the pipeline's work (rerank, generate) on forged models: run them as if real.
                values.TryAdd("Answering__RunForgedModels", "true");
            }

            foreach (var (_, key, value) in settings.Set.Where(s => s.Service == service))
            {
                values[key] = value;
            }

            perService[service] = values;
        }

        try
        {
            var platform = await RunningPlatform.StartAsync(new PlatformOptions(data)
            {
                ModelsDirectory = settings.Models == "tiny" ? null : ModelsDirectory(settings),
                Settings = perService,
            });
            return new BenchPlatform(platform, data);
        }
        catch
        {
            Directory.Delete(data, recursive: true);
            throw;
        }
    }

    /// <summary>Uploads every paragraph (20 files a request, 4 requests in flight) and waits until all are indexed.</summary>
    public async Task<TimeSpan> IngestAsync(IReadOnlyList<SquadParagraph> paragraphs, CancellationToken cancellationToken)
    {
        await Gateway.CreateCollectionAsync(Collection, cancellationToken);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(paragraphs.Chunk(20), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (batch, token) =>
            await Gateway.UploadDocumentsAsync(Collection, [.. batch.Select(p => new UploadFile(p.DocumentId, Encoding.UTF8.GetBytes(p.Text)))], token));
        var settled = await Gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromMinutes(15), cancellationToken);
        var failed = settled.Count(d => d.State != DocumentStates.Indexed);
        return failed == 0 ? clock.Elapsed : throw new InvalidOperationException($"{failed} of {settled.Count} documents failed to index.");
    }

    /// <summary>One non-admin key per user, each allowed the SQuAD collection: rate limits are per key, as for real users.</summary>
    public async Task<IReadOnlyList<string>> CreateUserKeysAsync(int count, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            keys.Add((await Gateway.CreateKeyAsync(new CreateKeyRequest($"bench-user-{i}", [Collection]), cancellationToken)).Key);
        }

        return keys;
    }

    /// <summary>Each service's resident memory now (bytes; null when it has exited).</summary>
    public IReadOnlyDictionary<PlatformService, long?> ResidentMemory() =>
        PlatformServices.All.ToDictionary(s => s, s => Platform[s].ResidentMemoryBytes());

    /// <summary>
    /// Every warning or error any service logged, oldest first per service, without the two that every run logs by
    /// design (cleartext HTTP/2 on the gateway, forged weights): where a failed request's cause is found.
    /// </summary>
    public IReadOnlyList<string> ServiceWarnings() =>
        [.. PlatformServices.All.SelectMany(s => Platform[s].OutputLines
            .Where(l => (l.Contains(" warn: ", StringComparison.Ordinal) || l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal))
                && !l.Contains("FORGED", StringComparison.Ordinal) && !l.Contains("HTTP/2 is not enabled", StringComparison.Ordinal))
            .Select(l => $"{s}: {l}"))];

    public async ValueTask DisposeAsync()
    {
        await Platform.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A service still closing a file: the temp directory is left for the OS to clean.
        }
    }
}
