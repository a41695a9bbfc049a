using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RagPlatform.Testing.Postgres;

namespace RagPlatform.Gateway.Tests.Storage;

/// <summary>
/// Two real gateway hosts (in-process) with Gateway:Store=Postgres on one database: a key made through one works on
/// the other, a key revoked through one is refused by the other within a second, and the rate limit holds across both.
/// </summary>
[Trait("Category", "Unit")]
[Collection(PostgresCollection.Name)]
public sealed class SharedGatewayTests(PostgresServerFixture fixture) : IAsyncLifetime
{
    private GatewayFactory _a = null!;
    private GatewayFactory _b = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await fixture.Server.CreateDatabaseAsync(nameof(SharedGatewayTests)).Bounded();
        (string, string?)[] settings =
        [
            ("Gateway:Store", "Postgres"), ("Gateway:PostgresConnectionString", connectionString),
            ("Gateway:RequestsPerSecond", "1"), ("Gateway:RequestBurst", "4"),
        ];
        _a = new GatewayFactory(settings);
        _b = new GatewayFactory(settings);
    }

    public Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task KeyMadeOnA_WorksOnB_RevokedOnA_RefusedByBWithinOneSecond()
    {
        using var adminA = _a.Client();
        using var created = await adminA.PostAsJsonAsync("/v1/keys", new { name = "shared", collections = new[] { "*" }, admin = true }).Bounded();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var onB = _b.Client(body.GetProperty("key").GetString());
        Assert.Equal(HttpStatusCode.OK, (await onB.GetAsync("/v1/keys").Bounded()).StatusCode);

        using var revoked = await adminA.DeleteAsync($"/v1/keys/{body.GetProperty("details").GetProperty("id").GetString()}").Bounded();
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        var clock = Stopwatch.StartNew();
        HttpStatusCode status;
        while ((status = (await onB.GetAsync("/v1/keys").Bounded()).StatusCode) != HttpStatusCode.Unauthorized)
        {
            // Still accepted (a 429 too: the key passed authentication; this class's rate limit is small on purpose).
            Assert.True(status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"gateway B answered {status}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "gateway B still accepted the key revoked through gateway A a second later");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task RateLimit_HoldsAcrossBothGateways()
    {
        using var adminA = _a.Client();
        using var adminB = _b.Client();

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { adminA, adminB, adminA, adminB, adminA, adminB })
        {
            using var response = await client.GetAsync("/v1/keys").Bounded();
            statuses.Add(response.StatusCode);
        }

        // A burst of 4 for the key, whichever gateway serves it (at most one more token may refill meanwhile).
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 4, 5);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(statuses.Count, statuses.Count(s => s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
    }
}

/// <summary>PostgreSQL down under a running gateway: authenticated requests get a clear 503 problem, never a 500 or a hang; back, it serves again.</summary>
[Trait("Category", "Fault")]
public sealed class GatewayPostgresOutageTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private GatewayFactory _gateway = null!;

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.StartAsync().Bounded();
        var connectionString = await _server.CreateDatabaseAsync(nameof(GatewayPostgresOutageTests)).Bounded();
        _gateway = new GatewayFactory(("Gateway:Store", "Postgres"), ("Gateway:PostgresConnectionString", connectionString),
            ("Gateway:KeyCacheTtl", "00:00:00.2"), ("Gateway:PostgresConnectTimeout", "00:00:02"));
    }

    public async Task DisposeAsync()
    {
        _gateway.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task PostgresDown_Answers503Problem_ThenServesAgainWhenItReturns()
    {
        using var client = _gateway.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/keys").Bounded()).StatusCode);

        await _server.StopAsync(immediate: true).Bounded();
        await Task.Delay(300);
        using (var down = await client.GetAsync("/v1/keys").Bounded())
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
            Assert.Contains("PostgreSQL", await down.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz").Bounded()).StatusCode);

        await _server.StartAgainAsync().Bounded();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/keys").Bounded()).StatusCode);
    }
}
