using System.Globalization;
using Microsoft.Data.Sqlite;

namespace RagPlatform.Ingestion.Status;

/// <summary>
/// The durable per-document status table, which is also the ingestion queue: a Queued row is accepted work. SQLite
/// in WAL mode with synchronous=FULL, so a status change returns only once it survives a crash. A row found in
/// Indexing on open was interrupted by a crash and is queued again. Serialised by one lock (writes are tiny).
/// </summary>
public sealed class DocumentStatusStore : IDisposable
{
    private const string RequeueInterruptedSql = "UPDATE documents SET state = 'Queued' WHERE state = 'Indexing';";
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    private DocumentStatusStore(SqliteConnection connection) => _connection = connection;

    public static DocumentStatusStore Open(string databasePath)
    {
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
            Execute(connection, """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
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
                """);
            Execute(connection, RequeueInterruptedSql);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new DocumentStatusStore(connection);
    }

    /// <summary>
    /// Queues again every document left Indexing by an interrupted pass (a crash, or a pass that stopped on an error
    /// such as a full disk). Call only while no pass is running.
    /// </summary>
    public void RequeueInterrupted() => Write(RequeueInterruptedSql);

    /// <summary>Accepts a document into the queue (durably); an already queued one keeps its place.</summary>
    public void Enqueue(string collection, string documentId, string sourcePath)
    {
        var now = Now();
        Write("""
            INSERT INTO documents (collection, document_id, state, source_path, queued_at, updated_at)
            VALUES ($c, $d, 'Queued', $p, $now, $now)
            ON CONFLICT (collection, document_id) DO UPDATE SET
                state = 'Queued', source_path = excluded.source_path, error = NULL, attempts = 0,
                queued_at = CASE WHEN state = 'Queued' THEN queued_at ELSE excluded.queued_at END, updated_at = excluded.updated_at;
            """, ("$c", collection), ("$d", documentId), ("$p", sourcePath), ("$now", now));
    }

    /// <summary>Queued documents, oldest first.</summary>
    public IReadOnlyList<DocumentStatus> Queued(int limit) =>
        Query("SELECT * FROM documents WHERE state = 'Queued' ORDER BY queued_at, rowid LIMIT $limit;", ("$limit", limit));

    /// <returns>The attempt number this start is.</returns>
    public int MarkIndexing(string collection, string documentId)
    {
        lock (_gate)
        {
            using var command = Command("""
                UPDATE documents SET state = 'Indexing', attempts = attempts + 1, updated_at = $now
                WHERE collection = $c AND document_id = $d RETURNING attempts;
                """, ("$c", collection), ("$d", documentId), ("$now", Now()));
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Marks the version stored at <paramref name="sourcePath"/> indexed.</summary>
    /// <returns>False when the row is gone or a newer version was queued meanwhile (that version stays queued).</returns>
    public bool MarkIndexed(string collection, string documentId, string sourcePath, string contentHash, int chunkCount)
    {
        var now = Now();
        return Write("""
            UPDATE documents SET state = 'Indexed', content_hash = $h, chunk_count = $n, error = NULL, indexed_at = $now, updated_at = $now
            WHERE collection = $c AND document_id = $d AND source_path = $p AND state = 'Indexing';
            """, ("$c", collection), ("$d", documentId), ("$p", sourcePath), ("$h", contentHash), ("$n", chunkCount), ("$now", now)) > 0;
    }

    /// <summary>Marks the version stored at <paramref name="sourcePath"/> failed; false when superseded or gone.</summary>
    public bool MarkFailed(string collection, string documentId, string sourcePath, string reason) =>
        Write("""
            UPDATE documents SET state = 'Failed', error = $e, updated_at = $now
            WHERE collection = $c AND document_id = $d AND source_path = $p AND state = 'Indexing';
            """, ("$c", collection), ("$d", documentId), ("$p", sourcePath), ("$e", reason), ("$now", Now())) > 0;

    /// <summary>
    /// Puts an interrupted version back in the queue without counting the attempt: its failure was not its own
    /// (e.g. the embedding service was down).
    /// </summary>
    public void Requeue(string collection, string documentId, string sourcePath) =>
        Write("""
            UPDATE documents SET state = 'Queued', attempts = MAX(attempts - 1, 0), updated_at = $now
            WHERE collection = $c AND document_id = $d AND source_path = $p AND state = 'Indexing';
            """, ("$c", collection), ("$d", documentId), ("$p", sourcePath), ("$now", Now()));

    /// <summary>Forgets a document (after its chunks were deleted).</summary>
    public void Remove(string collection, string documentId) =>
        Write("DELETE FROM documents WHERE collection = $c AND document_id = $d;", ("$c", collection), ("$d", documentId));

    /// <summary>Forgets every document of a collection (after the collection was deleted).</summary>
    public void RemoveCollection(string collection) =>
        Write("DELETE FROM documents WHERE collection = $c;", ("$c", collection));

    public DocumentStatus? Get(string collection, string documentId) =>
        Query("SELECT * FROM documents WHERE collection = $c AND document_id = $d;", ("$c", collection), ("$d", documentId))
            .SingleOrDefault();

    public IReadOnlyList<DocumentStatus> List(string collection) =>
        Query("SELECT * FROM documents WHERE collection = $c ORDER BY document_id;", ("$c", collection));

    /// <summary>At most <paramref name="limit"/> documents whose id sorts after <paramref name="afterDocumentId"/> ("" for the first page).</summary>
    public IReadOnlyList<DocumentStatus> List(string collection, string afterDocumentId, int limit) =>
        Query("SELECT * FROM documents WHERE collection = $c AND document_id > $after ORDER BY document_id LIMIT $limit;",
            ("$c", collection), ("$after", afterDocumentId), ("$limit", limit));

    public int Count(string collection)
    {
        lock (_gate)
        {
            using var command = Command("SELECT COUNT(*) FROM documents WHERE collection = $c;", ("$c", collection));
            return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    public void Dispose() => _connection.Dispose();

    /// <returns>Rows changed.</returns>
    private int Write(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = Command(sql, parameters);
            return command.ExecuteNonQuery();
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
                rows.Add(new DocumentStatus(
                    reader.GetString(reader.GetOrdinal("collection")),
                    reader.GetString(reader.GetOrdinal("document_id")),
                    Enum.Parse<DocumentState>(reader.GetString(reader.GetOrdinal("state"))),
                    reader.GetString(reader.GetOrdinal("source_path")),
                    reader.IsDBNull(reader.GetOrdinal("content_hash")) ? null : reader.GetString(reader.GetOrdinal("content_hash")),
                    reader.GetInt32(reader.GetOrdinal("chunk_count")),
                    reader.IsDBNull(reader.GetOrdinal("error")) ? null : reader.GetString(reader.GetOrdinal("error")),
                    reader.GetInt32(reader.GetOrdinal("attempts")),
                    DateTimeOffset.Parse(reader.GetString(reader.GetOrdinal("queued_at")), CultureInfo.InvariantCulture),
                    reader.IsDBNull(reader.GetOrdinal("indexed_at"))
                        ? null
                        : DateTimeOffset.Parse(reader.GetString(reader.GetOrdinal("indexed_at")), CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse(reader.GetString(reader.GetOrdinal("updated_at")), CultureInfo.InvariantCulture)));
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

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
