using System.Globalization;
using Microsoft.Data.Sqlite;
using RagPlatform.Ingestion.Pipeline;

namespace RagPlatform.Ingestion.Status;

/// <summary>
/// The document store of one process: SQLite in WAL mode with synchronous=FULL, so a status change returns only once
/// it survives a crash. The process owns the file, so a row found Indexing on open was interrupted by a crash and is
/// queued again (its attempt stays counted). Serialised by one lock (writes are tiny). The schema is versioned with
/// PRAGMA user_version: 1 is the original table, 2 adds sizes and leases.
/// </summary>
public sealed class SqliteDocumentStore : IDocumentStore, IDisposable
{
    public const int SchemaVersion = 2;
    private static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly DocumentLocks _locks = new();

    private SqliteDocumentStore(SqliteConnection connection, TimeSpan leaseDuration, TimeProvider time)
    {
        _connection = connection;
        LeaseDuration = leaseDuration;
        _time = time;
    }

    public TimeSpan LeaseDuration { get; }

    /// <exception cref="Storage.SchemaTooNewException">The file was written by a newer release.</exception>
    public static SqliteDocumentStore Open(string databasePath, TimeSpan? leaseDuration = null, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration ?? DefaultLease, TimeSpan.Zero);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        try
        {
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            Migrate(connection, databasePath);
            Execute(connection, "UPDATE documents SET state = 'Queued', lease_token = NULL, lease_expires_at = NULL WHERE state = 'Indexing';");
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new SqliteDocumentStore(connection, leaseDuration ?? DefaultLease, time ?? TimeProvider.System);
    }

    public Task EnqueueAsync(string collection, string documentId, string sourcePath, long sizeBytes, CancellationToken cancellationToken)
    {
        var now = Now();
        Write("""
            INSERT INTO documents (collection, document_id, state, source_path, size_bytes, queued_at, updated_at)
            VALUES ($c, $d, 'Queued', $p, $size, $now, $now)
            ON CONFLICT (collection, document_id) DO UPDATE SET
                state = 'Queued', source_path = excluded.source_path, size_bytes = excluded.size_bytes, error = NULL, attempts = 0,
                lease_token = NULL, lease_expires_at = NULL,
                queued_at = CASE WHEN state = 'Queued' THEN queued_at ELSE excluded.queued_at END, updated_at = excluded.updated_at;
            """, ("$c", collection), ("$d", documentId), ("$p", sourcePath), ("$size", sizeBytes), ("$now", now));
        return Task.CompletedTask;
    }

    public Task<DocumentLease?> ClaimAsync(CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid();
        var now = _time.GetUtcNow();
        var claimed = Query("""
            UPDATE documents SET state = 'Indexing', attempts = attempts + 1, lease_token = $t, lease_expires_at = $expires, updated_at = $now
            WHERE rowid = (SELECT rowid FROM documents
                           WHERE state = 'Queued' OR (state = 'Indexing' AND lease_expires_at < $now)
                           ORDER BY queued_at, rowid LIMIT 1)
            RETURNING *;
            """, ("$t", token.ToString()), ("$expires", Format(now + LeaseDuration)), ("$now", Format(now)));
        return Task.FromResult(claimed.Count == 0 ? null : new DocumentLease(claimed[0], token));
    }

    public Task RenewAsync(IReadOnlyCollection<DocumentLease> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        var expires = Format(_time.GetUtcNow() + LeaseDuration);
        foreach (var lease in leases)
        {
            Write("UPDATE documents SET lease_expires_at = $expires WHERE lease_token = $t AND state = 'Indexing';",
                ("$t", lease.Token.ToString()), ("$expires", expires));
        }

        return Task.CompletedTask;
    }

    public Task<bool> HoldsAsync(DocumentLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Task.FromResult(Scalar("SELECT COUNT(*) FROM documents WHERE collection = $c AND document_id = $d AND lease_token = $t AND state = 'Indexing';",
            ("$c", lease.Collection), ("$d", lease.DocumentId), ("$t", lease.Token.ToString())) > 0);
    }

    public Task<bool> MarkIndexedAsync(DocumentLease lease, string contentHash, int chunkCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var now = Now();
        return Task.FromResult(Write("""
            UPDATE documents SET state = 'Indexed', content_hash = $h, chunk_count = $n, error = NULL, indexed_at = $now, updated_at = $now,
                lease_token = NULL, lease_expires_at = NULL
            WHERE collection = $c AND document_id = $d AND lease_token = $t AND state = 'Indexing';
            """, ("$c", lease.Collection), ("$d", lease.DocumentId), ("$t", lease.Token.ToString()), ("$h", contentHash), ("$n", chunkCount),
            ("$now", now)) > 0);
    }

    public Task<bool> MarkFailedAsync(DocumentLease lease, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Task.FromResult(Write("""
            UPDATE documents SET state = 'Failed', error = $e, updated_at = $now, lease_token = NULL, lease_expires_at = NULL
            WHERE collection = $c AND document_id = $d AND lease_token = $t AND state = 'Indexing';
            """, ("$c", lease.Collection), ("$d", lease.DocumentId), ("$t", lease.Token.ToString()), ("$e", reason), ("$now", Now())) > 0);
    }

    public Task<bool> ReleaseAsync(DocumentLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return Task.FromResult(Write("""
            UPDATE documents SET state = 'Queued', attempts = MAX(attempts - 1, 0), updated_at = $now, lease_token = NULL, lease_expires_at = NULL
            WHERE collection = $c AND document_id = $d AND lease_token = $t AND state = 'Indexing';
            """, ("$c", lease.Collection), ("$d", lease.DocumentId), ("$t", lease.Token.ToString()), ("$now", Now())) > 0);
    }

    public Task<bool> HasPendingAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Scalar("SELECT COUNT(*) FROM (SELECT 1 FROM documents WHERE state = 'Queued' OR (state = 'Indexing' AND lease_expires_at < $now) LIMIT 1);",
            ("$now", Now())) > 0);

    /// <summary>This process is the only one using the file: an in-process lock per document is exclusive enough.</summary>
    public async Task<IAsyncDisposable> LockAsync(string collection, string documentId, CancellationToken cancellationToken) =>
        await _locks.AcquireAsync(collection, documentId, cancellationToken).ConfigureAwait(false);

    public Task RemoveAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        Write("DELETE FROM documents WHERE collection = $c AND document_id = $d;", ("$c", collection), ("$d", documentId));
        return Task.CompletedTask;
    }

    public Task RemoveCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        Write("DELETE FROM documents WHERE collection = $c;", ("$c", collection));
        return Task.CompletedTask;
    }

    public Task<DocumentStatus?> GetAsync(string collection, string documentId, CancellationToken cancellationToken) =>
        Task.FromResult(Query("SELECT * FROM documents WHERE collection = $c AND document_id = $d;", ("$c", collection), ("$d", documentId))
            .SingleOrDefault());

    public Task<IReadOnlyList<DocumentStatus>> ListAsync(string collection, string afterDocumentId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DocumentStatus>>(Query(
            "SELECT * FROM documents WHERE collection = $c AND document_id > $after ORDER BY document_id LIMIT $limit;",
            ("$c", collection), ("$after", afterDocumentId), ("$limit", limit)));

    public Task<int> CountAsync(string collection, CancellationToken cancellationToken) =>
        Task.FromResult((int)Scalar("SELECT COUNT(*) FROM documents WHERE collection = $c;", ("$c", collection)));

    public void Dispose() => _connection.Dispose();

    /// <summary>Brings the file to <see cref="SchemaVersion"/> in one transaction per step; refuses a newer one.</summary>
    private static void Migrate(SqliteConnection connection, string databasePath)
    {
        var version = (int)ScalarOn(connection, "PRAGMA user_version;");
        if (version > SchemaVersion)
        {
            throw new Storage.SchemaTooNewException(
                $"{databasePath} holds document schema version {version}, newer than this build knows (up to {SchemaVersion}): run the release that wrote it.");
        }

        if (version < 1)
        {
            // Also what a file from before versioning holds (user_version 0, table present): IF NOT EXISTS keeps it.
            Execute(connection, """
                BEGIN;
                CREATE TABLE IF NOT EXISTS documents (
                    collection TEXT NOT NULL,
                    document_id TEXT NOT NULL,
                    state TEXT NOT NULL,
                    source_path TEXT NOT NULL,
                    content_hash TEXT,
                    chunk_count INTEGER NOT NULL DEFAULT 0,
                    error TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    queued_at TEXT NOT NULL,
                    indexed_at TEXT,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (collection, document_id));
                CREATE INDEX IF NOT EXISTS documents_by_state ON documents (state, queued_at);
                PRAGMA user_version = 1;
                COMMIT;
                """);
        }

        if (version < 2)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, """
                ALTER TABLE documents ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE documents ADD COLUMN lease_token TEXT;
                ALTER TABLE documents ADD COLUMN lease_expires_at TEXT;
                """, transaction);

            // Sizes were read from the stored files until version 2 recorded them in the row.
            var paths = new List<string>();
            using (var select = new SqliteCommand("SELECT DISTINCT source_path FROM documents;", connection, transaction))
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    paths.Add(reader.GetString(0));
                }
            }

            foreach (var path in paths.Where(File.Exists))
            {
                using var update = new SqliteCommand("UPDATE documents SET size_bytes = $size WHERE source_path = $p;", connection, transaction);
                update.Parameters.AddWithValue("$size", new FileInfo(path).Length);
                update.Parameters.AddWithValue("$p", path);
                update.ExecuteNonQuery();
            }

            Execute(connection, "PRAGMA user_version = 2;", transaction);
            transaction.Commit();
        }
    }

    /// <returns>Rows changed.</returns>
    private int Write(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
        }
    }

    private long Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    private List<DocumentStatus> Query(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<DocumentStatus>();
            while (reader.Read())
            {
                string? Text(string column) => reader.IsDBNull(reader.GetOrdinal(column)) ? null : reader.GetString(reader.GetOrdinal(column));
                rows.Add(new DocumentStatus(
                    Text("collection")!,
                    Text("document_id")!,
                    Enum.Parse<DocumentState>(Text("state")!),
                    Text("source_path")!,
                    reader.GetInt64(reader.GetOrdinal("size_bytes")),
                    Text("content_hash"),
                    reader.GetInt32(reader.GetOrdinal("chunk_count")),
                    Text("error"),
                    reader.GetInt32(reader.GetOrdinal("attempts")),
                    Parse(Text("queued_at")!),
                    Text("indexed_at") is { } indexedAt ? Parse(indexedAt) : null,
                    Parse(Text("updated_at")!)));
            }

            return rows;
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new SqliteCommand(sql, _connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private string Now() => Format(_time.GetUtcNow());

    // Round-trip format in UTC: every stored time has the same shape, so comparing the text compares the times.
    private static string Format(DateTimeOffset time) => time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static long ScalarOn(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = new SqliteCommand(sql, connection, transaction);
        command.ExecuteNonQuery();
    }
}
