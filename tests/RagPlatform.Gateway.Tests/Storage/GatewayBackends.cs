using Microsoft.Extensions.Logging.Abstractions;
using RagPlatform.Gateway.Auth;
using RagPlatform.Gateway.Limits;
using RagPlatform.Gateway.Storage;
using RagPlatform.Storage;
using RagPlatform.Testing.Postgres;

namespace RagPlatform.Gateway.Tests.Storage;

/// <summary>The test classes sharing one throw-away PostgreSQL server (each with its own databases).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "postgres server";
}

/// <summary>
/// The gateway's stores as two replicas see one state: embedded (one process: the peer is the same instance) or
/// PostgreSQL (each replica its own data source on one database).
/// </summary>
internal sealed class GatewayBackend : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string? _directory;

    private GatewayBackend(string? directory) => _directory = directory;

    public IApiKeyStore Keys { get; private set; } = null!;

    public IApiKeyStore PeerKeys { get; private set; } = null!;

    public IKeyLimiter Limiter { get; private set; } = null!;

    public IKeyLimiter PeerLimiter { get; private set; } = null!;

    /// <summary>Opens another replica's limiter (PostgreSQL only), to be disposed by the test as a gateway that dies.</summary>
    public Func<TimeSpan, PostgresKeyLimiter>? OpenReplicaLimiter { get; private set; }

    public static GatewayBackend Embedded(GatewayOptions limits)
    {
        var backend = new GatewayBackend(Directory.CreateTempSubdirectory("rag-gateway-store-").FullName);
        var keys = SqliteApiKeyStore.Open(Path.Combine(backend._directory!, "keys.db"));
        var limiter = new InProcessKeyLimiter(limits);
        backend._owned.Add(new Disposing(() => { keys.Dispose(); limiter.Dispose(); }));
        (backend.Keys, backend.PeerKeys, backend.Limiter, backend.PeerLimiter) = (keys, keys, limiter, limiter);
        return backend;
    }

    public static async Task<GatewayBackend> PostgresAsync(PostgresServer server, string name, GatewayOptions limits, TimeSpan askLease)
    {
        var backend = new GatewayBackend(null);
        var settings = new PostgresSettings(await server.CreateDatabaseAsync(name), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), 20);
        PostgresDatabase Open()
        {
            var database = new PostgresDatabase(settings, "gateway-tests");
            backend._owned.Insert(0, database);
            return database;
        }

        var first = Open();
        var second = Open();
        await first.MigrateAsync(GatewaySchema.Component, GatewaySchema.Migrations, NullLogger.Instance, CancellationToken.None);
        var ttl = new GatewayStoreOptions().KeyCacheTtl;
        backend.Keys = new PostgresApiKeyStore(first, ttl, TimeProvider.System);
        backend.PeerKeys = new PostgresApiKeyStore(second, ttl, TimeProvider.System);
        var limiter = new PostgresKeyLimiter(first, limits, askLease);
        var peer = new PostgresKeyLimiter(second, limits, askLease);
        backend._owned.Insert(0, limiter);
        backend._owned.Insert(0, peer);
        (backend.Limiter, backend.PeerLimiter) = (limiter, peer);
        backend.OpenReplicaLimiter = lease => new PostgresKeyLimiter(Open(), limits, lease);
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class Disposing(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}

internal static class Bounds
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Bounded(this Task task) => task.WaitAsync(Timeout);
}
