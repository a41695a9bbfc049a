using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace RagPlatform.Fault.Tests.Faults;

/// <summary>
/// Latency injected between the orchestrator and a model service (a real TCP proxy that holds each reply chunk):
/// deadlines hold, a burst of questions is refused at the bounded queues instead of piling up, and the gateway keeps
/// answering other requests at once (no thread starvation).
/// </summary>
[Trait("Category", "Fault")]
public sealed class SlowDownstreamTests : IAsyncLifetime
{
    private const string Collection = "slow";
    private readonly string _data = Directory.CreateTempSubdirectory("rag-slow-").FullName;
    private RunningPlatform? _platform;
    private LatencyProxy _reranker = null!;
    private LatencyProxy _generator = null!;
    private GatewayClient _gateway = null!;

    public async Task InitializeAsync()
    {
        _reranker = new LatencyProxy(() => _platform!.Port(PlatformService.Reranker));
        _generator = new LatencyProxy(() => _platform!.Port(PlatformService.Generator));
        _platform = await RunningPlatform.StartAsync(new PlatformOptions(_data)
        {
            Settings = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>
            {
                [PlatformService.Orchestrator] = new Dictionary<string, string?>
                {
                    ["Downstream__Reranker__Url"] = _reranker.Url,
                    ["Downstream__Reranker__Timeout"] = "00:00:01",
                    ["Downstream__Reranker__AttemptTimeout"] = "00:00:00.5",
                    ["Downstream__Generator__Url"] = _generator.Url,
                    // The forged reranker and generator must run for their latency to matter.
                    ["Answering__RunForgedModels"] = "true",
                },
                [PlatformService.Gateway] = new Dictionary<string, string?> { ["Gateway__RequestsPerSecond"] = "1000", ["Gateway__RequestBurst"] = "1000" },
            },
        });
        _gateway = new GatewayClient(_platform.CreateClient(timeout: TimeSpan.FromSeconds(60)));
        Assert.Equal(HttpStatusCode.Created, (await _gateway.CreateCollectionAsync(Collection)).StatusCode);
        await _gateway.UploadTextAsync(Collection, "a.txt", "Comets have tails that point away from the sun.");
        await _gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        _gateway.Http.Dispose();
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        await _reranker.DisposeAsync();
        await _generator.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task SlowReranker_AnswerWithinItsBudget_DegradedInsteadOfWaiting()
    {
        _reranker.Delay = TimeSpan.FromSeconds(5);
        var clock = Stopwatch.StartNew();

        var answer = await _gateway.AskAsync(new { collection = Collection, question = "Where do comet tails point?", maxTokens = 4 });

        Assert.Equal(["rerank"], answer.GetProperty("degraded").EnumerateArray().Select(d => d.GetString()));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"the 1 s reranker budget was not held: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task SlowGenerator_RequestDeadlineHolds()
    {
        _generator.Delay = TimeSpan.FromSeconds(3);
        var clock = Stopwatch.StartNew();

        using var response = await _gateway.PostAskAsync(new { collection = Collection, question = "Where do comet tails point?", maxTokens = 8, timeoutSeconds = 2 });

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"a 2 s deadline took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task SlowGenerator_BurstIsBoundedAndOtherRequestsStayFast()
    {
        _generator.Delay = TimeSpan.FromMilliseconds(400);
        var burst = Enumerable.Range(0, 40).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            using var response = await _gateway.PostAskAsync(new { collection = Collection, question = "Where do comet tails point?", maxTokens = 8, timeoutSeconds = 8 });
            return (response.StatusCode, clock.Elapsed);
        }).ToList();

        // While 40 answers crowd the slow generator, unrelated requests are served promptly.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var probe = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync($"/v1/collections/{Collection}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync("/healthz")).StatusCode);
        Assert.True(probe.Elapsed < TimeSpan.FromSeconds(1), $"other requests waited {probe.Elapsed.TotalSeconds:F1} s behind the burst");

        var results = await Task.WhenAll(burst);
        var statuses = results.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        TestReport.Write("fault", $"slow generator burst of 40: {string.Join(", ", statuses.Select(s => $"{(int)s.Key} ×{s.Value}"))}, slowest {results.Max(r => r.Elapsed).TotalSeconds:F1} s");
        Assert.True(statuses.Keys.All(s => s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests or HttpStatusCode.GatewayTimeout),
            $"unexpected statuses: {string.Join(", ", statuses.Keys)}");
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests) > 0, "the bounded queues refused nothing: requests piled up");
        Assert.All(results, r => Assert.True(r.Elapsed < TimeSpan.FromSeconds(11), $"a request outlived its 8 s deadline: {r.Elapsed.TotalSeconds:F1} s"));

        _generator.Delay = TimeSpan.Zero;
        var after = await _gateway.AskAsync(new { collection = Collection, question = "Where do comet tails point?", maxTokens = 4 });
        Assert.True(after.GetProperty("usage").GetProperty("completionTokens").GetInt32() > 0);
    }
}
