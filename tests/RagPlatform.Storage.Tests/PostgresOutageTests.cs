using System.Diagnostics;

namespace RagPlatform.Storage.Tests;

/// <summary>
/// The server stopped under a running data source: calls fail fast with StoreUnavailableException (never a hang,
/// never a raw driver error), and once the server is back the same data source works again by itself.
/// </summary>
[Trait("Category", "Fault")]
public sealed class PostgresOutageTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private PostgresDatabase _database = null!;

    public async Task InitializeAsync()
    {
        // Its own server: stopping it must not disturb other test classes.
        _server = await PostgresServer.StartAsync().Bounded();
        var connectionString = await _server.CreateDatabaseAsync(nameof(PostgresOutageTests)).Bounded();
        _database = new PostgresDatabase(new PostgresSettings(connectionString, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), 10), "tests");
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ServerStopped_CallsFailUnavailableWithinTheTimeouts_ThenRecoverWhenItReturns(bool crash)
    {
        await _database.ExecuteAsync("CREATE TABLE IF NOT EXISTS pings (at timestamptz NOT NULL DEFAULT now());", CancellationToken.None).Bounded();
        Assert.Equal(1, await _database.ExecuteAsync("INSERT INTO pings DEFAULT VALUES;", CancellationToken.None).Bounded());

        await _server.StopAsync(immediate: crash).Bounded();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 3; i++)
        {
            // The pooled connection is broken, then no new one can be opened: both are "unavailable".
            await Assert.ThrowsAsync<StoreUnavailableException>(() => _database.ExecuteAsync("INSERT INTO pings DEFAULT VALUES;", CancellationToken.None)).Bounded();
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"three refused calls took {clock.Elapsed}");

        await _server.StartAgainAsync().Bounded();
        Assert.Equal(1, await _database.ExecuteAsync("INSERT INTO pings DEFAULT VALUES;", CancellationToken.None).Bounded());
        Assert.Equal(2L, (await _database.QueryAsync("SELECT count(*) FROM pings;", r => r.GetInt64(0), CancellationToken.None).Bounded())[0]);
        await _database.ExecuteAsync("DELETE FROM pings;", CancellationToken.None).Bounded();
    }
}
