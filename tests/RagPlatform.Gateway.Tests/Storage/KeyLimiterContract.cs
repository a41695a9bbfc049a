using RagPlatform.Testing.Postgres;

namespace RagPlatform.Gateway.Tests.Storage;

/// <summary>What every per-key limiter guarantees, in-process and on PostgreSQL, with two gateways sharing the limits.</summary>
public abstract class KeyLimiterContract : IAsyncLifetime
{
    protected static readonly GatewayOptions Limits = new() { RequestsPerSecond = 1, RequestBurst = 3, MaxConcurrentAsksPerKey = 2 };

    internal GatewayBackend Backend { get; private set; } = null!;

    public async Task InitializeAsync() => Backend = await OpenAsync().Bounded();

    public async Task DisposeAsync() => await Backend.DisposeAsync();

    internal abstract Task<GatewayBackend> OpenAsync();

    [Fact]
    public async Task TokenBucket_SharedByBothGateways_BurstThenRefused_RefillsWithTime_OtherKeysUntouched()
    {
        var taken = new List<bool>();
        foreach (var limiter in new[] { Backend.Limiter, Backend.PeerLimiter, Backend.Limiter, Backend.PeerLimiter, Backend.Limiter })
        {
            taken.Add(await limiter.TryTakeRequestAsync("key_a", CancellationToken.None).Bounded());
        }

        Assert.Equal([true, true, true, false, false], taken);
        Assert.True(await Backend.PeerLimiter.TryTakeRequestAsync("key_b", CancellationToken.None).Bounded());

        // One token a second: within two seconds one is back, on either gateway.
        var deadline = DateTime.UtcNow.AddSeconds(2.5);
        while (!await Backend.PeerLimiter.TryTakeRequestAsync("key_a", CancellationToken.None).Bounded())
        {
            Assert.True(DateTime.UtcNow < deadline, "no token came back to the bucket");
            await Task.Delay(100);
        }

        Assert.False(await Backend.Limiter.TryTakeRequestAsync("key_a", CancellationToken.None).Bounded());
    }

    [Fact]
    public async Task AskSlots_SharedByBothGateways_LimitHolds_EndingOneFreesOne()
    {
        var first = await Backend.Limiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded();
        var second = await Backend.PeerLimiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded();

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(await Backend.Limiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded());
        Assert.Null(await Backend.PeerLimiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded());
        var otherKey = await Backend.Limiter.TryStartAskAsync("key_b", CancellationToken.None).Bounded();
        Assert.NotNull(otherKey);

        await first.DisposeAsync();
        var third = await Backend.PeerLimiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded();

        Assert.NotNull(third);
        await second.DisposeAsync();
        await third.DisposeAsync();
        await otherKey.DisposeAsync();
    }
}

[Trait("Category", "Unit")]
public sealed class InProcessKeyLimiterTests : KeyLimiterContract
{
    internal override Task<GatewayBackend> OpenAsync() => Task.FromResult(GatewayBackend.Embedded(Limits));
}

[Trait("Category", "Unit")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresKeyLimiterTests(PostgresServerFixture fixture) : KeyLimiterContract
{
    // Short enough for a test, long enough that renewals (every third of it) are never late on a busy 2-core machine.
    private static readonly TimeSpan ShortLease = TimeSpan.FromSeconds(2);

    internal override Task<GatewayBackend> OpenAsync() =>
        GatewayBackend.PostgresAsync(fixture.Server, nameof(PostgresKeyLimiterTests), Limits, ShortLease);

    [Fact]
    public async Task AskSlots_OfAGatewayThatDied_FreeThemselvesWhenTheirLeasesExpire()
    {
        var dying = Backend.OpenReplicaLimiter!(ShortLease);
        Assert.NotNull(await dying.TryStartAskAsync("key_a", CancellationToken.None).Bounded());
        Assert.NotNull(await dying.TryStartAskAsync("key_a", CancellationToken.None).Bounded());

        // Dies: stops renewing, never ends its answers.
        await dying.DisposeAsync();
        Assert.Null(await Backend.Limiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded());

        var deadline = DateTime.UtcNow + (ShortLease * 5);
        IAsyncDisposable? freed;
        while ((freed = await Backend.Limiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded()) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the dead gateway's answer slots never freed");
            await Task.Delay(100);
        }

        await freed.DisposeAsync();
    }

    [Fact]
    public async Task AskSlots_OfALiveGateway_AreRenewed_NotLost()
    {
        var first = await Backend.Limiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded();
        var second = await Backend.Limiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded();

        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(ShortLease / 2);
            Assert.Null(await Backend.PeerLimiter.TryStartAskAsync("key_a", CancellationToken.None).Bounded());
        }

        await first!.DisposeAsync();
        await second!.DisposeAsync();
    }
}
