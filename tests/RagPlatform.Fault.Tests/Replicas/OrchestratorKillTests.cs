using System.Diagnostics;
using System.Text;
using RagPlatform.Client;

namespace RagPlatform.Fault.Tests.Replicas;

/// <summary>
/// Orchestrator A SIGKILLed while it holds leases on documents of a shared queue: orchestrator B takes them once the
/// leases expire and indexes every acknowledged document, each exactly once, with nothing left of A's half-done work.
/// A's embedder calls go through a slow proxy, so A is certain to be mid-document when it dies.
/// </summary>
[Trait("Category", "Fault")]
public sealed class OrchestratorKillTests : IAsyncLifetime
{
    private const string Collection = "shared-queue";
    /// <summary>Documents per upload request (at most Gateway:MaxFilesPerUpload).</summary>
    private const int Batch = 20;
    private static readonly TimeSpan Bound = ReplicaPlatform.Bound;
    private LatencyProxy _slowEmbedder = null!;
    private ReplicaPlatform? _replicas;

    public async Task InitializeAsync()
    {
        var embedderPort = LoopbackPorts.Free();
        _slowEmbedder = new LatencyProxy(embedderPort);
        _replicas = await ReplicaPlatform.StartAsync(
            orchestrator: new Dictionary<string, string?> { ["Orchestrator__QueueLeaseDuration"] = "00:00:03" },
            gateway: new Dictionary<string, string?> { ["Gateway__RequestsPerSecond"] = "1000", ["Gateway__RequestBurst"] = "1000" },
            instances: new Dictionary<ServiceInstance, IReadOnlyDictionary<string, string?>>
            {
                [ReplicaPlatform.OrchestratorA] = new Dictionary<string, string?> { ["Downstream__Embedder__Url"] = _slowEmbedder.Url },
            },
            embedderPort: embedderPort);
    }

    public async Task DisposeAsync()
    {
        if (_replicas is not null)
        {
            await _replicas.DisposeAsync();
        }

        await _slowEmbedder.DisposeAsync();
    }

    [Fact]
    public async Task OrchestratorAKilledHoldingLeases_OrchestratorBFinishesEveryDocument_NoAcknowledgedChunkLost()
    {
        var replicas = _replicas!;
        RagPlatformClient[] gateways = [replicas.Gateway(ReplicaPlatform.GatewayA), replicas.Gateway(ReplicaPlatform.GatewayB)];
        await gateways[1].CreateCollectionAsync(Collection).WaitAsync(Bound);
        var acknowledged = new List<string>(await replicas.WarmUpAsync(gateways[0], ReplicaPlatform.OrchestratorA, Collection));
        _slowEmbedder.Delay = TimeSpan.FromMilliseconds(300);

        // One request through gateway A queues a batch and wakes orchestrator A, which claims its first documents at once.
        acknowledged.AddRange(await UploadAsync(gateways[0], 0));
        var pidA = replicas.Platform[ReplicaPlatform.OrchestratorA].Pid;
        var clock = Stopwatch.StartNew();
        while (await replicas.LeasesHeldAsync(pidA).WaitAsync(Bound) == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "orchestrator A never claimed a document of the shared queue");
            await Task.Delay(20);
        }

        await replicas.Platform.KillAsync(ReplicaPlatform.OrchestratorA).WaitAsync(Bound);
        var heldWhenKilled = await replicas.LeasesHeldAsync(pidA).WaitAsync(Bound);

        // Gateway B keeps acknowledging uploads meanwhile; they land in the same queue.
        acknowledged.AddRange(await UploadAsync(gateways[1], Batch));

        var delivery = await replicas.CheckAcknowledgedAsync(gateways[1], Collection, acknowledged).WaitAsync(Bound);
        var reclaimed = await replicas.ReclaimedAsync(Collection).WaitAsync(Bound);
        TestReport.Write("fault", $"replicas: orchestrator A SIGKILLed holding {heldWhenKilled} leases, {reclaimed} documents claimed again by B; {delivery.Summary}");

        Assert.True(heldWhenKilled > 0, "orchestrator A held no lease when it was killed: the test proved nothing");
        Assert.True(reclaimed >= heldWhenKilled, $"{heldWhenKilled} leases died with A but only {reclaimed} documents were claimed again");
        Assert.Equal(acknowledged.Count, delivery.Acknowledged);
        Assert.Empty(delivery.Lost);
        Assert.Equal(delivery.RegisteredChunks, delivery.IndexedChunks);
    }

    /// <summary>A batch of documents in one request; all of them acknowledged (202) or the test fails.</summary>
    private static async Task<IEnumerable<string>> UploadAsync(RagPlatformClient gateway, int first)
    {
        var files = Enumerable.Range(first, Batch).Select(n => new UploadFile($"doc-{n:D3}.txt",
            Encoding.UTF8.GetBytes($"Document {n} of the shared queue carries the marker zq{n:D3}kw and nothing else of note."))).ToList();
        var documents = await gateway.UploadDocumentsAsync(Collection, files).WaitAsync(Bound);
        Assert.Equal(Batch, documents.Count);
        return documents.Select(d => d.DocumentId);
    }
}
