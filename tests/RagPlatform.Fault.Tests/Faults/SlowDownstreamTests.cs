using System.Diagnostics;
using System.Net;
using RagPlatform.Client;

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
    private RagPlatformClient _gateway = null!;

    public async Task InitializeAsync()
    {
        // Ports fixed before the start: the orchestrator calls both services through the proxies as it starts.
        var (rerankerPort, generatorPort) = (LoopbackPorts.Free(), LoopbackPorts.Free());
        _reranker = new LatencyProxy(rerankerPort);
        _generator = new LatencyProxy(generatorPort);
        _platform = await RunningPlatform.StartAsync(new PlatformOptions(_data)
        {
            Ports = new Dictionary<ServiceInstance, int> { [PlatformService.Reranker] = rerankerPort, [PlatformService.Generator] = generatorPort },
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
        _gateway = _platform.CreateGatewayClient(timeout: TimeSpan.FromSeconds(60), rateLimitRetries: 0);
        await _gateway.CreateCollectionAsync(Collection);
        await _gateway.UploadDocumentAsync(Collection, new UploadFile("a.txt", "Comets have tails that point away from the sun."u8.ToArray()));
        await _gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
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

        var answer = await _gateway.AskAsync(Question(maxTokens: 4));

        Assert.Equal(["rerank"], answer.Degraded);
        // Had the orchestrator waited for the reranker, the answer could not come before the reranker's own delay.
        Assert.True(clock.Elapsed < _reranker.Delay, $"the 1 s reranker budget was not held: {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task SlowGenerator_RequestDeadlineHolds()
    {
        _generator.Delay = TimeSpan.FromSeconds(3);
        var clock = Stopwatch.StartNew();

        var (status, _) = await GatewayOutcome.OfAsync(() => _gateway.AskAsync(Question(maxTokens: 8, timeoutSeconds: 2)));

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"a 2 s deadline took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task SlowGenerator_BurstIsBoundedAndOtherRequestsStayFast()
    {
        _generator.Delay = TimeSpan.FromMilliseconds(400);
        var burst = Enumerable.Range(0, 40).Select(async _ =>
        {
            var clock = Stopwatch.StartNew();
            var (status, _) = await GatewayOutcome.OfAsync(() => _gateway.AskAsync(Question(maxTokens: 8, timeoutSeconds: 8)));
            return (StatusCode: status!.Value, clock.Elapsed);
        }).ToList();

        // While 40 answers crowd the slow generator, unrelated requests are served promptly.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var probe = Stopwatch.StartNew();
        Assert.Equal(Collection, (await _gateway.GetCollectionAsync(Collection)).Name);
        using (var http = _platform!.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        }

        Assert.True(probe.Elapsed < TimeSpan.FromSeconds(1), $"other requests waited {probe.Elapsed.TotalSeconds:F1} s behind the burst");

        var results = await Task.WhenAll(burst);
        var statuses = results.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
        TestReport.Write("fault", $"slow generator burst of 40: {string.Join(", ", statuses.Select(s => $"{(int)s.Key} ×{s.Value}"))}, slowest {results.Max(r => r.Elapsed).TotalSeconds:F1} s");
        // Every answer is a clear one: served, refused by a full queue (429), out of time (504), or, once enough asks ran
        // out of time inside the generator that its circuit breaker opened, refused at once (503, "Generator is failing").
        Assert.True(statuses.Keys.All(s => s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests or HttpStatusCode.GatewayTimeout
                or HttpStatusCode.ServiceUnavailable),
            $"unexpected statuses: {string.Join(", ", statuses.Keys)}");
        Assert.True(statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests) > 0, "the bounded queues refused nothing: requests piled up");
        Assert.All(results, r => Assert.True(r.Elapsed < TimeSpan.FromSeconds(11), $"a request outlived its 8 s deadline: {r.Elapsed.TotalSeconds:F1} s"));

        // Once the generator is fast again the platform recovers by itself: asks that ran out of time inside the
        // generator may have opened its breaker, which closes after Downstream:Generator:BreakDuration (3 s).
        _generator.Delay = TimeSpan.Zero;
        var recovery = Stopwatch.StartNew();
        AnswerResource? after = null;
        while (after is null)
        {
            var (status, answer) = await GatewayOutcome.OfAsync(() => _gateway.AskAsync(Question(maxTokens: 4)));
            if (status == HttpStatusCode.OK)
            {
                after = answer;
            }
            else
            {
                Assert.True(status == HttpStatusCode.ServiceUnavailable && recovery.Elapsed < TimeSpan.FromSeconds(10),
                    $"no answer {recovery.Elapsed.TotalSeconds:F1} s after the generator was fast again: {status}");
                await Task.Delay(250);
            }
        }

        Assert.True(after.Usage.CompletionTokens > 0);
    }

    private static AskRequest Question(int maxTokens, double? timeoutSeconds = null) =>
        new(Collection, "Where do comet tails point?") { MaxTokens = maxTokens, TimeoutSeconds = timeoutSeconds };
}
