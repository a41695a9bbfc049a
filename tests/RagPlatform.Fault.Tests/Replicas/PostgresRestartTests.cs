using System.Diagnostics;
using System.Net;
using System.Text;
using RagPlatform.Client;

namespace RagPlatform.Fault.Tests.Replicas;

/// <summary>
/// The shared PostgreSQL crashes (immediate stop) and comes back while both orchestrators are mid-ingestion: every
/// request meanwhile gets a clear 503 problem through either gateway (no 500, no hang), nothing acknowledged before is
/// lost, and both the gateways and ingestion carry on by themselves once the server is back. The embedder calls of both
/// orchestrators go through a slow proxy, so documents are still queued and leased when the server goes.
/// </summary>
[Trait("Category", "Fault")]
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private const string Collection = "outage";
    private static readonly TimeSpan Bound = ReplicaPlatform.Bound;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(4);

    /// <summary>A request that takes longer than this while the database is down is a hang, not a clear answer.</summary>
    private static readonly TimeSpan ClearAnswerBound = TimeSpan.FromSeconds(10);

    private LatencyProxy _slowEmbedder = null!;
    private ReplicaPlatform? _replicas;

    public async Task InitializeAsync()
    {
        var embedderPort = LoopbackPorts.Free();
        _slowEmbedder = new LatencyProxy(embedderPort);
        _replicas = await ReplicaPlatform.StartAsync(
            orchestrator: new Dictionary<string, string?>
            {
                ["Downstream__Embedder__Url"] = _slowEmbedder.Url,
                ["Orchestrator__PostgresConnectTimeout"] = "00:00:02",
            },
            gateway: new Dictionary<string, string?>
            {
                ["Gateway__RequestsPerSecond"] = "1000",
                ["Gateway__RequestBurst"] = "1000",
                ["Gateway__PostgresConnectTimeout"] = "00:00:02",
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
    public async Task PostgresRestartsMidIngestion_Clear503sMeanwhile_NothingAcknowledgedLost_IngestionResumesByItself()
    {
        var replicas = _replicas!;
        RagPlatformClient[] gateways = [replicas.Gateway(ReplicaPlatform.GatewayA, rateLimitRetries: 0), replicas.Gateway(ReplicaPlatform.GatewayB, rateLimitRetries: 0)];
        HttpClient[] raw = [replicas.Platform.CreateClient(gateway: 0, timeout: Bound), replicas.Platform.CreateClient(gateway: 1, timeout: Bound)];
        await gateways[0].CreateCollectionAsync(Collection).WaitAsync(Bound);
        var acknowledged = new List<string>();
        acknowledged.AddRange(await replicas.WarmUpAsync(replicas.Gateway(ReplicaPlatform.GatewayA), ReplicaPlatform.OrchestratorA, Collection));
        acknowledged.AddRange(await replicas.WarmUpAsync(replicas.Gateway(ReplicaPlatform.GatewayB), ReplicaPlatform.OrchestratorB, Collection));
        _slowEmbedder.Delay = TimeSpan.FromMilliseconds(200);
        for (var n = 0; n < 30; n++)
        {
            Assert.Equal(HttpStatusCode.Accepted, await UploadAsync(gateways[n % 2], n, acknowledged));
        }

        var pending = (await gateways[1].ListAllDocumentsAsync(Collection).WaitAsync(Bound)).Count(d => !d.IsSettled);
        await replicas.Postgres.StopAsync(immediate: true).WaitAsync(Bound);

        var outcomes = new List<(HttpStatusCode? Status, string? MediaType, TimeSpan Took)>();
        var outage = Stopwatch.StartNew();
        for (var n = 100; outage.Elapsed < Outage; n++)
        {
            var clock = Stopwatch.StartNew();
            outcomes.Add((await UploadAsync(gateways[n % 2], n, acknowledged), null, clock.Elapsed));
            clock.Restart();
            using var listing = await raw[n % 2].GetAsync($"/v1/collections/{Collection}/documents").WaitAsync(Bound);
            outcomes.Add((listing.StatusCode, listing.Content.Headers.ContentType?.MediaType, clock.Elapsed));
        }

        await replicas.Postgres.StartAgainAsync().WaitAsync(Bound);
        var back = Stopwatch.StartNew();
        for (var n = 200; await UploadAsync(gateways[n % 2], n, acknowledged) != HttpStatusCode.Accepted; n++)
        {
            Assert.True(back.Elapsed < TimeSpan.FromSeconds(60), "the gateways did not take uploads again within 60 s of PostgreSQL's return");
            await Task.Delay(100);
        }

        var servedAgain = back.Elapsed;
        var delivery = await replicas.CheckAcknowledgedAsync(gateways[1], Collection, acknowledged).WaitAsync(Bound);
        TestReport.Write("fault", $"replicas: PostgreSQL restarted with {pending} documents pending; {outcomes.Count} requests during the outage, "
            + $"{outcomes.Count(o => o.Status == HttpStatusCode.ServiceUnavailable)} answered 503, {outcomes.Count(o => o.Status == HttpStatusCode.InternalServerError)} answered 500, "
            + $"slowest {outcomes.Max(o => o.Took).TotalSeconds:F1} s; uploads taken again {servedAgain.TotalSeconds:F1} s after the restart; {delivery.Summary}");

        Assert.True(pending > 0, "ingestion had finished before PostgreSQL stopped: the test proved nothing");
        Assert.All(outcomes, o => Assert.Equal(HttpStatusCode.ServiceUnavailable, o.Status));
        Assert.All(outcomes.Where(o => o.MediaType is not null), o => Assert.Equal("application/problem+json", o.MediaType));
        Assert.All(outcomes, o => Assert.True(o.Took < ClearAnswerBound, $"a request took {o.Took.TotalSeconds:F1} s while PostgreSQL was down"));
        Assert.Empty(delivery.Lost);
        Assert.Equal(delivery.RegisteredChunks, delivery.IndexedChunks);
    }

    /// <returns>The gateway's status (202 acknowledged, the document then must never be lost); null when no answer came.</returns>
    private static async Task<HttpStatusCode?> UploadAsync(RagPlatformClient gateway, int n, List<string> acknowledged)
    {
        var id = $"doc-{n:D3}";
        var text = $"Document {n} written around the outage carries the marker zo{n:D3}kw and nothing else of note.";
        var (status, _) = await GatewayOutcome.OfAsync(() => gateway.UploadDocumentAsync(Collection, new UploadFile(id + ".txt", Encoding.UTF8.GetBytes(text)), id),
            HttpStatusCode.Accepted).WaitAsync(Bound);
        if (status == HttpStatusCode.Accepted)
        {
            acknowledged.Add(id);
        }

        return status;
    }
}
