using System.Diagnostics;
using RagPlatform.Gateway.Auth;
using RagPlatform.Testing.Postgres;

namespace RagPlatform.Gateway.Tests.Storage;

/// <summary>What every <see cref="IApiKeyStore"/> guarantees, on SQLite and on PostgreSQL, as two gateways see it.</summary>
public abstract class ApiKeyStoreContract : IAsyncLifetime
{
    private GatewayBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await OpenAsync().Bounded();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    internal abstract Task<GatewayBackend> OpenAsync();

    [Fact]
    public async Task Create_KeyVerifiesOnThePeer_OtherSecretsDoNot_SecretNeverStored()
    {
        var (key, secret) = await _backend.Keys.CreateAsync("reader", ["alpha", "beta"], admin: false, CancellationToken.None).Bounded();

        var verified = await _backend.PeerKeys.VerifyAsync(secret, CancellationToken.None).Bounded();

        Assert.Equal((key.Id, "reader", false), (verified?.Id, verified?.Name, verified?.Admin));
        Assert.Equal(["alpha", "beta"], verified!.Collections);
        Assert.StartsWith(ApiKeySecrets.KeyPrefix, secret, StringComparison.Ordinal);
        Assert.Null(await _backend.PeerKeys.VerifyAsync(secret + "x", CancellationToken.None).Bounded());
        Assert.Null(await _backend.PeerKeys.VerifyAsync(ApiKeySecrets.NewSecret(), CancellationToken.None).Bounded());
        Assert.Contains(await _backend.PeerKeys.ListAsync(CancellationToken.None).Bounded(), k => k.Id == key.Id);
    }

    [Fact]
    public async Task Revoke_ThePeerRefusesTheKeyWithinOneSecond()
    {
        var (key, secret) = await _backend.Keys.CreateAsync("doomed", ["*"], admin: false, CancellationToken.None).Bounded();
        Assert.NotNull(await _backend.PeerKeys.VerifyAsync(secret, CancellationToken.None).Bounded());

        Assert.True(await _backend.Keys.DeleteAsync(key.Id, CancellationToken.None).Bounded());
        var clock = Stopwatch.StartNew();
        while (await _backend.PeerKeys.VerifyAsync(secret, CancellationToken.None).Bounded() is not null)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "the revoked key was still accepted by the other gateway a second later");
            await Task.Delay(20);
        }

        Assert.False(await _backend.PeerKeys.DeleteAsync(key.Id, CancellationToken.None).Bounded());
    }

    [Fact]
    public async Task Import_SameSecretTwiceFromBothGateways_OneKey()
    {
        const string Secret = "rag_operator_chosen_secret_0123456789";

        var first = await _backend.Keys.ImportAsync(Secret, "bootstrap", ["*"], admin: true, CancellationToken.None).Bounded();
        var second = await _backend.PeerKeys.ImportAsync(Secret, "bootstrap", ["*"], admin: true, CancellationToken.None).Bounded();

        Assert.Equal(first.Id, second.Id);
        Assert.Single(await _backend.Keys.ListAsync(CancellationToken.None).Bounded());
        Assert.Equal(first.Id, (await _backend.PeerKeys.VerifyAsync(Secret, CancellationToken.None).Bounded())?.Id);
    }

    [Fact]
    public async Task CreateFirst_GatewaysStartingTogether_ExactlyOneKeyIsMade()
    {
        var made = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            (i % 2 == 0 ? _backend.Keys : _backend.PeerKeys).CreateFirstAsync("bootstrap", CancellationToken.None)))).Bounded();

        var created = Assert.Single(made, m => m is not null)!.Value;
        Assert.True(created.Key.Admin);
        Assert.Equal(created.Key.Id, (await _backend.PeerKeys.VerifyAsync(created.Secret, CancellationToken.None).Bounded())?.Id);
        Assert.Null(await _backend.Keys.CreateFirstAsync("bootstrap", CancellationToken.None).Bounded());
    }
}

[Trait("Category", "Unit")]
public sealed class SqliteApiKeyStoreTests : ApiKeyStoreContract
{
    internal override Task<GatewayBackend> OpenAsync() => Task.FromResult(GatewayBackend.Embedded(new GatewayOptions()));
}

[Trait("Category", "Unit")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresApiKeyStoreTests(PostgresServerFixture fixture) : ApiKeyStoreContract
{
    internal override Task<GatewayBackend> OpenAsync() =>
        GatewayBackend.PostgresAsync(fixture.Server, nameof(PostgresApiKeyStoreTests), new GatewayOptions(), TimeSpan.FromSeconds(30));
}
