using System.Diagnostics;
using System.Net;
using System.Text;
using RagPlatform.Client;

namespace RagPlatform.Fault.Tests.Faults;

/// <summary>
/// Every service SIGKILLed in turn while uploads and questions keep coming. Meanwhile the gateway answers with clear
/// errors (503/504) or degraded answers, never a 500; after each restart the platform recovers by itself within 10 s;
/// and at the end every upload the gateway acknowledged is indexed, with its chunk, none lost.
/// </summary>
[Trait("Category", "Fault")]
public sealed class KillUnderLoadTests : IAsyncLifetime
{
    private const string Collection = "load";
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(10);
    private readonly string _data = Directory.CreateTempSubdirectory("rag-kill-").FullName;
    private RunningPlatform _platform = null!;
    private RagPlatformClient _gateway = null!;

    public async Task InitializeAsync()
    {
        _platform = await RunningPlatform.StartAsync(new PlatformOptions(_data)
        {
            Settings = new Dictionary<PlatformService, IReadOnlyDictionary<string, string?>>
            {
                // The load is one client: lift its rate limit so what the test sees is the platform, not the limiter.
                [PlatformService.Gateway] = new Dictionary<string, string?> { ["Gateway__RequestsPerSecond"] = "1000", ["Gateway__RequestBurst"] = "1000" },
                // Every model service must be on the answer's path for its death to show: run the forged ones as if real.
                [PlatformService.Orchestrator] = new Dictionary<string, string?> { ["Answering__RunForgedModels"] = "true" },
            },
        });
        _gateway = _platform.CreateGatewayClient(timeout: TimeSpan.FromSeconds(30), rateLimitRetries: 0);
        await _gateway.CreateCollectionAsync(Collection);
    }

    public async Task DisposeAsync()
    {
        await _platform.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task EachServiceKilledUnderLoad_ClearErrorsMeanwhile_RecoversWithin10s_NoAcknowledgedChunkLost()
    {
        var recoveries = new Dictionary<PlatformService, TimeSpan>();
        await using (var load = new SteadyLoad(_gateway, Collection))
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
            foreach (var service in PlatformServices.All)
            {
                await _platform.KillAsync(service);
                await Task.Delay(TimeSpan.FromSeconds(3));
                await _platform.StartServiceAsync(service);
                recoveries[service] = await TimeToRecoveryAsync();
                if (recoveries[service] > TimeSpan.FromSeconds(5))
                {
                    TestReport.Write("fault-diagnostics", $"{service} recovery {recoveries[service].TotalSeconds:F1} s; orchestrator said:\n  "
                        + string.Join("\n  ", _platform[PlatformService.Orchestrator].OutputLines.TakeLast(25)));
                }

                Assert.True(recoveries[service] <= RecoveryBound, $"after {service} restarted the platform took {recoveries[service].TotalSeconds:F1} s to recover");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            await load.StopAsync();
            AssertOnlyClearOutcomes(load.Outcomes);
            var lost = await LostAcknowledgedDocumentsAsync(load.Acknowledged);
            TestReport.Write("fault", $"kills survived {recoveries.Count} (recovery after restart: {string.Join(", ", recoveries.Select(r => $"{r.Key} {r.Value.TotalSeconds:F1} s"))})");
            TestReport.Write("fault", $"acknowledged documents {load.Acknowledged.Count}, acknowledged chunks lost {lost.Count}; load requests {load.Outcomes.Count}, 500s {load.Outcomes.Count(o => o.Status == HttpStatusCode.InternalServerError)}");
            Assert.Empty(lost);
        }
    }

    /// <summary>From now until an upload is acknowledged and an answer comes back undegraded.</summary>
    private async Task<TimeSpan> TimeToRecoveryAsync()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                await _gateway.UploadDocumentAsync(Collection, new UploadFile("probe.txt", Encoding.UTF8.GetBytes($"Probe text {Guid.NewGuid():N}.")));
                var ask = await _gateway.AskAsync(new AskRequest(Collection, "probe") { MaxTokens = 2, TimeoutSeconds = 10 });
                if (ask.Degraded.Count == 0)
                {
                    return clock.Elapsed;
                }
            }
            catch (Exception ex) when (ex is RagPlatformException or HttpRequestException)
            {
                // Not recovered yet.
            }

            await Task.Delay(200);
        }

        return clock.Elapsed;
    }

    private static void AssertOnlyClearOutcomes(IEnumerable<LoadOutcome> outcomes)
    {
        // Acceptable while something is down: success (possibly degraded), 429 when the generator's bounded queue is
        // full, 503 (a dependency is down), 504 (a deadline), or no answer at all while the gateway itself is dead.
        HttpStatusCode?[] clear = [HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable,
            HttpStatusCode.GatewayTimeout, null];
        var unclear = outcomes.Where(o => !clear.Contains(o.Status)).ToList();
        Assert.True(unclear.Count == 0, $"unclear outcomes: {string.Join(", ", unclear.GroupBy(o => $"{o.Kind} {(int?)o.Status}").Select(g => $"{g.Key} ×{g.Count()}"))}");
        Assert.Contains(outcomes, o => o.Kind == "ask" && o.Degraded);
        Assert.Contains(outcomes, o => o.Status == HttpStatusCode.ServiceUnavailable);
    }

    /// <summary>Waits for ingestion to settle, then checks each acknowledged document is indexed with its one chunk.</summary>
    private async Task<List<string>> LostAcknowledgedDocumentsAsync(IReadOnlyDictionary<string, string> acknowledged)
    {
        var documents = (await _gateway.WaitUntilSettledAsync(Collection, TimeSpan.FromMinutes(3))).ToDictionary(d => d.DocumentId);
        var lost = acknowledged.Keys.Where(id => !documents.TryGetValue(id, out var d) || d.State != DocumentStates.Indexed || d.ChunkCount != 1).ToList();

        var collection = await _gateway.GetCollectionAsync(Collection);
        Assert.Equal(documents.Values.Where(d => d.State == DocumentStates.Indexed).Sum(d => d.ChunkCount), collection.ChunkCount);

        // The chunks are searchable, not just counted: a sample found by their unique words.
        foreach (var (id, word) in acknowledged.OrderBy(a => a.Key).Where((_, i) => i % Math.Max(1, acknowledged.Count / 15) == 0))
        {
            var answer = await _gateway.AskAsync(new AskRequest(Collection, word) { Mode = RetrievalModes.Lexical, TopK = 3, TopN = 3, MaxTokens = 1 });
            if (!answer.Citations.Any(c => c.DocumentId == id))
            {
                lost.Add(id + " (not found by search)");
            }
        }

        return lost;
    }
}
