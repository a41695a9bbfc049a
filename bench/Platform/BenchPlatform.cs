using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RagPlatform.Testing;

namespace RagPlatform.Bench.Platform;

/// <summary>
/// The five services as real processes (RunningPlatform) in a throw-away data directory, with the SQuAD collection
/// ingested through the gateway and API keys for the load's users.
/// </summary>
internal sealed class BenchPlatform : IAsyncDisposable
{
    public const string Collection = "squad";
    private readonly string _data;

    private BenchPlatform(RunningPlatform platform, string data)
    {
        Platform = platform;
        _data = data;
    }

    public RunningPlatform Platform { get; }

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
        foreach (var service in Enum.GetValues<PlatformService>())
        {
            var values = overrides.TryGetValue(service, out var given) ? new Dictionary<string, string?>(given) : [];
            if (service is PlatformService.Embedder or PlatformService.Reranker or PlatformService.Generator)
            {
                values.TryAdd($"{service}__IntraOpThreads", settings.Threads?.ToString(System.Globalization.CultureInfo.InvariantCulture));
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
        using var http = Platform.CreateClient();
        var gateway = new GatewayClient(http);
        using (var created = await gateway.CreateCollectionAsync(Collection))
        {
            Require(created, HttpStatusCode.Created);
        }

        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(paragraphs.Chunk(20), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (batch, _) =>
        {
            using var response = await gateway.UploadManyAsync(Collection, [.. batch.Select(p => (p.DocumentId, Encoding.UTF8.GetBytes(p.Text)))]);
            Require(response, HttpStatusCode.Accepted);
        });
        var settled = await gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromMinutes(15));
        var failed = settled.Count(d => d.GetProperty("state").GetString() != "indexed");
        return failed == 0 ? clock.Elapsed : throw new InvalidOperationException($"{failed} of {settled.Count} documents failed to index.");
    }

    /// <summary>One non-admin key per user, each allowed the SQuAD collection: rate limits are per key, as for real users.</summary>
    public async Task<IReadOnlyList<string>> CreateUserKeysAsync(int count, CancellationToken cancellationToken)
    {
        using var http = Platform.CreateClient();
        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await http.PostAsJsonAsync("/v1/keys", new { name = $"bench-user-{i}", collections = new[] { Collection } }, cancellationToken);
            var body = await GatewayClient.JsonOf(response, HttpStatusCode.Created);
            keys.Add(body.GetProperty("key").GetString()!);
        }

        return keys;
    }

    /// <summary>Each service's resident memory now (bytes; null when it has exited).</summary>
    public IReadOnlyDictionary<PlatformService, long?> ResidentMemory() =>
        Enum.GetValues<PlatformService>().ToDictionary(s => s, s => Platform[s].ResidentMemoryBytes());

    /// <summary>
    /// Every warning or error any service logged, oldest first per service, without the two that every run logs by
    /// design (cleartext HTTP/2 on the gateway, forged weights): where a failed request's cause is found.
    /// </summary>
    public IReadOnlyList<string> ServiceWarnings() =>
        [.. Enum.GetValues<PlatformService>().SelectMany(s => Platform[s].OutputLines
            .Where(l => (l.Contains(" warn: ", StringComparison.Ordinal) || l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal))
                && !l.Contains("FORGED", StringComparison.Ordinal) && !l.Contains("HTTP/2 is not enabled", StringComparison.Ordinal))
            .Select(l => $"{s}: {l}"))];

    /// <summary>The models each service loaded, as /v1/models reports them (model id and whether forged).</summary>
    public async Task<JsonElement> ModelsAsync(CancellationToken cancellationToken)
    {
        using var http = Platform.CreateClient();
        using var response = await http.GetAsync("/v1/models", cancellationToken);
        return await GatewayClient.JsonOf(response, HttpStatusCode.OK);
    }

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

    private static void Require(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}, not {(int)expected}.");
        }
    }
}
