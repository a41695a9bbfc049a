using Npgsql;
using RagPlatform.Ingestion.Status;
using RagPlatform.Storage;

namespace RagPlatform.Orchestrator.Storage;

/// <summary>
/// The document registry and ingestion queue in PostgreSQL, shared by every orchestrator replica. A claim takes the
/// oldest Queued row, or an Indexing row whose lease expired (its orchestrator died or stalled), with
/// <c>FOR UPDATE SKIP LOCKED</c> so concurrent claims never wait for or take the same row; it counts the attempt and
/// stamps a fresh lease token and an expiry on the server's clock (replicas' clocks never compare). Every outcome is
/// written only where the token still matches. A document's lock is a transaction-scoped advisory lock held on its
/// own connection, released on dispose or when a dead holder's connection drops.
/// </summary>
internal sealed class PostgresDocumentStore : IDocumentStore
{
    private const string Columns = "collection, document_id, state, source_path, size_bytes, content_hash, chunk_count, error, attempts, queued_at, indexed_at, updated_at";
    private readonly PostgresDatabase _database;
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}";

    // A lock holder keeps one connection while it needs another for its work: holding at most half the pool in locks
    // leaves the other half free, so lock holders can never starve each other of connections.
    private readonly SemaphoreSlim _lockSlots;

    public PostgresDocumentStore(PostgresDatabase database, TimeSpan leaseDuration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leaseDuration, TimeSpan.FromSeconds(1));
        _database = database;
        LeaseDuration = leaseDuration;
        _lockSlots = new SemaphoreSlim(Math.Max(1, database.MaxPoolSize / 2));
    }

    public TimeSpan LeaseDuration { get; }

    public Task EnqueueAsync(string collection, string documentId, string sourcePath, long sizeBytes, CancellationToken cancellationToken) =>
        _database.ExecuteAsync("""
            INSERT INTO rag_documents AS d (collection, document_id, state, source_path, size_bytes, queued_at, updated_at)
            VALUES (@c, @d, 'Queued', @p, @size, now(), now())
            ON CONFLICT (collection, document_id) DO UPDATE SET
                state = 'Queued', source_path = excluded.source_path, size_bytes = excluded.size_bytes, error = NULL, attempts = 0,
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL,
                queued_at = CASE WHEN d.state = 'Queued' THEN d.queued_at ELSE excluded.queued_at END, updated_at = now();
            """, cancellationToken, new("c", collection), new("d", documentId), new("p", sourcePath), new("size", sizeBytes));

    public async Task<DocumentLease?> ClaimAsync(CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid();
        var claimed = await _database.QueryAsync($"""
            UPDATE rag_documents d SET state = 'Indexing', attempts = d.attempts + 1, lease_token = @t, lease_owner = @owner,
                lease_expires_at = now() + @lease, updated_at = now()
            FROM (SELECT collection, document_id FROM rag_documents
                  WHERE state IN ('Queued', 'Indexing') AND (state = 'Queued' OR lease_expires_at < now())
                  ORDER BY queued_at LIMIT 1
                  FOR UPDATE SKIP LOCKED) next
            WHERE d.collection = next.collection AND d.document_id = next.document_id
            RETURNING {Prefixed("d")};
            """, Read, cancellationToken, new("t", token), new("owner", _owner), new("lease", LeaseDuration)).ConfigureAwait(false);
        return claimed.Count == 0 ? null : new DocumentLease(claimed[0], token);
    }

    public Task RenewAsync(IReadOnlyCollection<DocumentLease> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        return leases.Count == 0 ? Task.CompletedTask : _database.ExecuteAsync(
            "UPDATE rag_documents SET lease_expires_at = now() + @lease WHERE lease_token = ANY(@tokens) AND state = 'Indexing';",
            cancellationToken, new("lease", LeaseDuration), new("tokens", leases.Select(l => l.Token).ToArray()));
    }

    public async Task<bool> HoldsAsync(DocumentLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var rows = await _database.QueryAsync(
            "SELECT 1 FROM rag_documents WHERE collection = @c AND document_id = @d AND lease_token = @t AND state = 'Indexing';",
            reader => true, cancellationToken, Key(lease)).ConfigureAwait(false);
        return rows.Count > 0;
    }

    public async Task<bool> MarkIndexedAsync(DocumentLease lease, string contentHash, int chunkCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return await _database.ExecuteAsync("""
            UPDATE rag_documents SET state = 'Indexed', content_hash = @h, chunk_count = @n, error = NULL, indexed_at = now(), updated_at = now(),
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
            WHERE collection = @c AND document_id = @d AND lease_token = @t AND state = 'Indexing';
            """, cancellationToken, [.. Key(lease), new("h", contentHash), new("n", chunkCount)]).ConfigureAwait(false) > 0;
    }

    public async Task<bool> MarkFailedAsync(DocumentLease lease, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return await _database.ExecuteAsync("""
            UPDATE rag_documents SET state = 'Failed', error = @e, updated_at = now(), lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
            WHERE collection = @c AND document_id = @d AND lease_token = @t AND state = 'Indexing';
            """, cancellationToken, [.. Key(lease), new("e", reason)]).ConfigureAwait(false) > 0;
    }

    public async Task<bool> ReleaseAsync(DocumentLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return await _database.ExecuteAsync("""
            UPDATE rag_documents SET state = 'Queued', attempts = greatest(attempts - 1, 0), updated_at = now(),
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
            WHERE collection = @c AND document_id = @d AND lease_token = @t AND state = 'Indexing';
            """, cancellationToken, Key(lease)).ConfigureAwait(false) > 0;
    }

    public async Task<bool> HasPendingAsync(CancellationToken cancellationToken) =>
        (await _database.QueryAsync("""
            SELECT 1 FROM rag_documents WHERE state IN ('Queued', 'Indexing') AND (state = 'Queued' OR lease_expires_at < now()) LIMIT 1;
            """, reader => true, cancellationToken).ConfigureAwait(false)).Count > 0;

    public async Task<IAsyncDisposable> LockAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        await _lockSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var command = PostgresDatabase.Command(connection,
                "SELECT pg_advisory_xact_lock(hashtextextended('rag_documents/' || @c || '/' || @d, 0));", new("c", collection), new("d", documentId)))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return new HeldLock(connection, transaction, _lockSlots);
        }
        catch (Exception e)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            _lockSlots.Release();
            throw PostgresDatabase.IsUnavailable(e) && e is not StoreUnavailableException ? new StoreUnavailableException(e) : e;
        }
    }

    public Task RemoveAsync(string collection, string documentId, CancellationToken cancellationToken) =>
        _database.ExecuteAsync("DELETE FROM rag_documents WHERE collection = @c AND document_id = @d;", cancellationToken,
            new("c", collection), new("d", documentId));

    public Task RemoveCollectionAsync(string collection, CancellationToken cancellationToken) =>
        _database.ExecuteAsync("DELETE FROM rag_documents WHERE collection = @c;", cancellationToken, new NpgsqlParameter("c", collection));

    public async Task<DocumentStatus?> GetAsync(string collection, string documentId, CancellationToken cancellationToken) =>
        (await _database.QueryAsync($"SELECT {Columns} FROM rag_documents WHERE collection = @c AND document_id = @d;", Read, cancellationToken,
            new("c", collection), new("d", documentId)).ConfigureAwait(false)).SingleOrDefault();

    public async Task<IReadOnlyList<DocumentStatus>> ListAsync(string collection, string afterDocumentId, int limit, CancellationToken cancellationToken) =>
        await _database.QueryAsync($"""
            SELECT {Columns} FROM rag_documents WHERE collection = @c AND document_id > @after ORDER BY document_id LIMIT @limit;
            """, Read, cancellationToken, new("c", collection), new("after", afterDocumentId), new("limit", limit)).ConfigureAwait(false);

    public async Task<int> CountAsync(string collection, CancellationToken cancellationToken) =>
        (await _database.QueryAsync("SELECT count(*) FROM rag_documents WHERE collection = @c;", reader => (int)reader.GetInt64(0), cancellationToken,
            new NpgsqlParameter("c", collection)).ConfigureAwait(false))[0];

    private static NpgsqlParameter[] Key(DocumentLease lease) => [new("c", lease.Collection), new("d", lease.DocumentId), new("t", lease.Token)];

    private static string Prefixed(string alias) => string.Join(", ", Columns.Split(", ").Select(c => $"{alias}.{c}"));

    private static DocumentStatus Read(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        Enum.Parse<DocumentState>(reader.GetString(2)),
        reader.GetString(3),
        reader.GetInt64(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetInt32(8),
        reader.GetFieldValue<DateTimeOffset>(9),
        reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
        reader.GetFieldValue<DateTimeOffset>(11));

    /// <summary>Ends the lock's transaction (nothing was written in it) and gives back the connection and the slot.</summary>
    private sealed class HeldLock(NpgsqlConnection connection, NpgsqlTransaction transaction, SemaphoreSlim slots) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (PostgresDatabase.IsUnavailable(e))
            {
                // The connection broke: the server ended the transaction, and the lock with it.
            }
            finally
            {
                slots.Release();
            }
        }
    }
}
