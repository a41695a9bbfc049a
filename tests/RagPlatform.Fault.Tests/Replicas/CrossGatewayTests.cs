using System.Diagnostics;
using System.Net;
using System.Text;
using RagPlatform.Client;

namespace RagPlatform.Fault.Tests.Replicas;

/// <summary>One scaled platform for <see cref="CrossGatewayTests"/>: a small per-key rate limit, so crossing it is cheap to show.</summary>
public sealed class CrossGatewayFixture : IAsyncLifetime
{
    public const int RequestsPerSecond = 1;
    public const int RequestBurst = 8;

    public ReplicaPlatform Replicas { get; private set; } = null!;

    public async Task InitializeAsync() => Replicas = await ReplicaPlatform.StartAsync(gateway: new Dictionary<string, string?>
    {
        ["Gateway__RequestsPerSecond"] = RequestsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Gateway__RequestBurst"] = RequestBurst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync()
    {
        if (Replicas is not null)
        {
            await Replicas.DisposeAsync();
        }
    }
}

/// <summary>
/// Two gateways and two orchestrators over one PostgreSQL and one Qdrant, used as one platform: a document uploaded
/// through gateway A is answered from through gateway B, a key revoked through A is refused by B within a second, and
/// one key's rate limit holds for the sum of both gateways. Each test makes its own key, so their limits never meet.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CrossGatewayTests(CrossGatewayFixture fixture) : IClassFixture<CrossGatewayFixture>
{
    private static readonly TimeSpan Bound = ReplicaPlatform.Bound;
    private readonly ReplicaPlatform _replicas = fixture.Replicas;

    [Fact]
    public async Task UploadThroughGatewayA_AskThroughGatewayB_AnswerCitesTheDocument()
    {
        var key = (await CreateKeyAsync("cross-ask")).Key;
        var a = _replicas.Gateway(ReplicaPlatform.GatewayA, key);
        var b = _replicas.Gateway(ReplicaPlatform.GatewayB, key);
        await a.CreateCollectionAsync("atlas").WaitAsync(Bound);

        var uploaded = await a.UploadDocumentAsync("atlas", new UploadFile("glaciers.md", Encoding.UTF8.GetBytes("""
            # Glaciers

            The Aletsch Glacier is the largest glacier in the Alps, about twenty kilometres long.
            """)), "glaciers").WaitAsync(Bound);
        var document = Assert.Single(await b.WaitUntilSettledAsync("atlas", Bound).WaitAsync(Bound));
        var answer = await b.AskAsync(new AskRequest("atlas", "Which is the largest glacier in the Alps?") { Mode = RetrievalModes.Lexical, MaxTokens = 4 })
            .WaitAsync(Bound);

        Assert.Equal("glaciers", uploaded.DocumentId);
        Assert.Equal(DocumentStates.Indexed, document.State);
        Assert.Equal(document.ChunkCount, await _replicas.Index.CountAsync("atlas").WaitAsync(Bound));
        Assert.NotEmpty(answer.Citations);
        Assert.All(answer.Citations, c => Assert.Equal("glaciers", c.DocumentId));
        Assert.Contains(answer.Citations, c => c.Text.Contains("Aletsch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyRevokedThroughGatewayA_RefusedByGatewayBWithinOneSecond()
    {
        var admin = _replicas.Gateway(ReplicaPlatform.GatewayA);
        var created = await CreateKeyAsync("revoked-soon", admin: true);
        var onB = _replicas.Gateway(ReplicaPlatform.GatewayB, created.Key, rateLimitRetries: 0);
        Assert.NotEmpty(await onB.ListKeysAsync().WaitAsync(Bound));

        await admin.DeleteKeyAsync(created.Details.Id).WaitAsync(Bound);
        var clock = Stopwatch.StartNew();
        HttpStatusCode? status;
        while ((status = (await GatewayOutcome.OfAsync(() => onB.ListKeysAsync()).WaitAsync(Bound)).Status) != HttpStatusCode.Unauthorized)
        {
            // A 429 still means the key passed authentication on B.
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"gateway B answered {status}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "gateway B still accepted the key revoked through gateway A a second later");
            await Task.Delay(25);
        }

        TestReport.Write("fault", $"replicas: a key revoked through gateway A was refused by gateway B after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task OneKeysRateLimit_HoldsForTheSumOfBothGateways()
    {
        // An admin key on GET /v1/keys: the gateways and PostgreSQL alone, so the run is quick even on a busy machine.
        var key = (await CreateKeyAsync("limited", admin: true)).Key;
        RagPlatformClient[] gateways =
        [
            _replicas.Gateway(ReplicaPlatform.GatewayA, key, rateLimitRetries: 0),
            _replicas.Gateway(ReplicaPlatform.GatewayB, key, rateLimitRetries: 0),
        ];
        var admitted = new int[2];

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 4 * CrossGatewayFixture.RequestBurst; i++)
        {
            var (status, _) = await GatewayOutcome.OfAsync(() => gateways[i % 2].ListKeysAsync()).WaitAsync(Bound);
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"gateway {(i % 2 == 0 ? "A" : "B")} answered {status}");
            admitted[i % 2] += status == HttpStatusCode.OK ? 1 : 0;
        }

        clock.Stop();

        // One bucket for the key: the burst plus what refilled meanwhile (and one token of rounding). A bucket per
        // gateway would let through twice the burst, which is more than this while the run takes under 7 s.
        var limit = CrossGatewayFixture.RequestBurst + (int)Math.Ceiling(clock.Elapsed.TotalSeconds * CrossGatewayFixture.RequestsPerSecond) + 1;
        Assert.True(limit < 2 * CrossGatewayFixture.RequestBurst, $"the run took {clock.Elapsed.TotalSeconds:F1} s: too slow to tell one bucket from two");
        // The one request that showed gateway B knew the key took one token of the burst.
        Assert.InRange(admitted.Sum(), CrossGatewayFixture.RequestBurst - 1, limit);
        Assert.All(admitted, a => Assert.True(a > 0, $"admitted through A {admitted[0]}, through B {admitted[1]}"));
        TestReport.Write("fault", $"replicas: one key's limit across two gateways admitted {admitted[0]} + {admitted[1]} of {4 * CrossGatewayFixture.RequestBurst} requests (limit {limit})");
    }

    /// <summary>
    /// A key made through gateway A, once gateway B knows it: B learns of new keys as of revoked ones, when its copy of
    /// the key table is older than Gateway:KeyCacheTtl (500 ms), so within a second.
    /// </summary>
    private async Task<CreatedKey> CreateKeyAsync(string name, bool admin = false)
    {
        var created = await _replicas.Gateway(ReplicaPlatform.GatewayA).CreateKeyAsync(new CreateKeyRequest(name, ["*"]) { Admin = admin }).WaitAsync(Bound);
        var onB = _replicas.Gateway(ReplicaPlatform.GatewayB, created.Key, rateLimitRetries: 0);
        var clock = Stopwatch.StartNew();
        while ((await GatewayOutcome.OfAsync(() => onB.GetModelsAsync()).WaitAsync(Bound)).Status == HttpStatusCode.Unauthorized)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "gateway B still refused a key made through gateway A a second later");
            await Task.Delay(25);
        }

        return created;
    }
}
