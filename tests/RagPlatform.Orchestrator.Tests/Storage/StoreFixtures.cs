using RagPlatform.Ingestion.Status;
using RagPlatform.Orchestrator.Storage;
using RagPlatform.Storage;
using RagPlatform.Testing.Postgres;

namespace RagPlatform.Orchestrator.Tests.Storage;

/// <summary>The test classes sharing one throw-away PostgreSQL server (each with its own database).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "postgres server";
}

/// <summary>
/// The orchestrator's stores over one state, opened as each kind is deployed: SQLite and files in a folder (one
/// process: a "peer" is the same store), or one PostgreSQL database (a peer is a second data source, as a second
/// orchestrator replica has).
/// </summary>
internal abstract class StoreBackend : IAsyncDisposable
{
    public abstract IDocumentStore Documents { get; }

    public abstract IBlobStore Blobs { get; }

    /// <summary>The stores as another orchestrator sees the same state.</summary>
    public abstract IDocumentStore PeerDocuments { get; }

    public abstract IBlobStore PeerBlobs { get; }

    public abstract ValueTask DisposeAsync();

    public static Task<StoreBackend> EmbeddedAsync(TimeSpan lease) => Task.FromResult<StoreBackend>(new Embedded(lease));

    public static async Task<StoreBackend> PostgresAsync(PostgresServer server, string name, TimeSpan lease)
    {
        var connectionString = await server.CreateDatabaseAsync(name);
        var settings = new PostgresSettings(connectionString, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), 20);
        var first = new PostgresDatabase(settings, "tests-a");
        var second = new PostgresDatabase(settings, "tests-b");
        await first.MigrateAsync(OrchestratorSchema.Component, OrchestratorSchema.Migrations, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        return new Postgres(first, second, lease);
    }

    private sealed class Embedded : StoreBackend
    {
        private readonly string _root = Directory.CreateTempSubdirectory("rag-store-").FullName;
        private readonly SqliteDocumentStore _documents;

        public Embedded(TimeSpan lease)
        {
            _documents = SqliteDocumentStore.Open(Path.Combine(_root, "documents.db"), lease);
            Blobs = new FileBlobStore(Path.Combine(_root, "uploads"));
        }

        public override IDocumentStore Documents => _documents;

        public override IBlobStore Blobs { get; }

        public override IDocumentStore PeerDocuments => _documents;

        public override IBlobStore PeerBlobs => Blobs;

        public override ValueTask DisposeAsync()
        {
            _documents.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_root, recursive: true);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Postgres(PostgresDatabase first, PostgresDatabase second, TimeSpan lease) : StoreBackend
    {
        public override IDocumentStore Documents { get; } = new PostgresDocumentStore(first, lease);

        public override IBlobStore Blobs { get; } = new PostgresBlobStore(first);

        public override IDocumentStore PeerDocuments { get; } = new PostgresDocumentStore(second, lease);

        public override IBlobStore PeerBlobs { get; } = new PostgresBlobStore(second);

        public override async ValueTask DisposeAsync()
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
        }
    }
}

internal static class Bounds
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Bounded(this Task task) => task.WaitAsync(Timeout);
}
