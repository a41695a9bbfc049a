using Npgsql;
using RagPlatform.Storage;

namespace RagPlatform.Gateway.Auth;

/// <summary>
/// The API keys of every gateway replica, in PostgreSQL. Each gateway verifies against an in-memory copy of the (small)
/// table, compared in constant time, and reloads the copy once it is older than the cache TTL: a key revoked through
/// any gateway is refused by every other one within the TTL plus one query. The copy's age counts from the START of
/// the query that read it, so it never claims to be newer than it is. When the copy is stale and the database cannot
/// be read, verification fails with StoreUnavailableException (503) rather than trust a key that may be revoked.
/// </summary>
public sealed class PostgresApiKeyStore(PostgresDatabase database, TimeSpan cacheTtl, TimeProvider time) : IApiKeyStore
{
    private readonly Lock _gate = new();
    private Snapshot? _snapshot;
    private Task<Snapshot>? _loading;

    public async Task<ApiKey?> VerifyAsync(string secret, CancellationToken cancellationToken) =>
        ApiKeySecrets.Match((await CurrentAsync(cancellationToken).ConfigureAwait(false)).Keys, ApiKeySecrets.Hash(secret));

    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, IReadOnlyList<string> collections, bool admin, CancellationToken cancellationToken)
    {
        var secret = ApiKeySecrets.NewSecret();
        var key = new ApiKey(ApiKeySecrets.NewId(), name, collections, admin, DateTimeOffset.UtcNow);
        await database.RunAsync((connection, ct) => InsertAsync(connection, key, secret, ct), cancellationToken).ConfigureAwait(false);
        Invalidate();
        return (key, secret);
    }

    public async Task<(ApiKey Key, string Secret)?> CreateFirstAsync(string name, CancellationToken cancellationToken)
    {
        var secret = ApiKeySecrets.NewSecret();
        var key = new ApiKey(ApiKeySecrets.NewId(), name, [ApiKey.AllCollections], true, DateTimeOffset.UtcNow);
        var created = await database.RunAsync(async (connection, ct) =>
        {
            // Replicas starting together: the table lock lets exactly one of them find it empty.
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using (var lockTable = PostgresDatabase.Command(connection, "LOCK TABLE rag_api_keys IN SHARE ROW EXCLUSIVE MODE;"))
            {
                await lockTable.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await using (var any = PostgresDatabase.Command(connection, "SELECT EXISTS (SELECT 1 FROM rag_api_keys);"))
            {
                if ((bool)(await any.ExecuteScalarAsync(ct).ConfigureAwait(false))!)
                {
                    return false;
                }
            }

            await InsertAsync(connection, key, secret, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        Invalidate();
        return created ? (key, secret) : null;
    }

    public async Task<ApiKey> ImportAsync(string secret, string name, IReadOnlyList<string> collections, bool admin, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecrets.Hash(secret);
        var keys = await database.QueryAsync("""
            WITH inserted AS (
                INSERT INTO rag_api_keys (id, name, key_hash, collections, admin) VALUES (@id, @name, @hash, @collections, @admin)
                ON CONFLICT (key_hash) DO NOTHING
                RETURNING id, name, collections, admin, created_at)
            SELECT id, name, collections, admin, created_at FROM inserted
            UNION ALL
            SELECT id, name, collections, admin, created_at FROM rag_api_keys WHERE key_hash = @hash;
            """, reader => ReadKey(reader, 0), cancellationToken, new("id", ApiKeySecrets.NewId()), new("name", name), new("hash", hash),
            new("collections", collections.ToArray()), new("admin", admin)).ConfigureAwait(false);
        Invalidate();
        return keys[0];
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) =>
        await database.QueryAsync("SELECT id, name, collections, admin, created_at FROM rag_api_keys ORDER BY created_at, id;",
            reader => ReadKey(reader, 0), cancellationToken).ConfigureAwait(false);

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        // The key's bucket and answer leases go with it.
        var deleted = await database.QueryAsync("""
            WITH key AS (DELETE FROM rag_api_keys WHERE id = @id RETURNING id),
                 bucket AS (DELETE FROM rag_rate_buckets WHERE key_id IN (SELECT id FROM key)),
                 leases AS (DELETE FROM rag_ask_leases WHERE key_id IN (SELECT id FROM key))
            SELECT count(*) FROM key;
            """, reader => reader.GetInt64(0), cancellationToken, new NpgsqlParameter("id", id)).ConfigureAwait(false);
        Invalidate();
        return deleted[0] > 0;
    }

    /// <summary>The copy of the table, read again when older than the TTL; one read at a time, shared by every caller waiting.</summary>
    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _snapshot) is { } current && time.GetElapsedTime(current.ReadStartedAt) < cacheTtl)
        {
            return current;
        }

        Task<Snapshot> loading;
        lock (_gate)
        {
            if (_loading is null || _loading.IsCompleted)
            {
                _loading = LoadAsync();
            }

            loading = _loading;
        }

        return await loading.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Snapshot> LoadAsync()
    {
        var started = time.GetTimestamp();

        // Shared by every waiting request, so no single caller's cancellation ends it; the command timeout bounds it.
        var keys = await database.QueryAsync("SELECT key_hash, id, name, collections, admin, created_at FROM rag_api_keys;",
            reader => (reader.GetFieldValue<byte[]>(0), ReadKey(reader, 1)), CancellationToken.None).ConfigureAwait(false);
        var snapshot = new Snapshot(keys, started);
        Volatile.Write(ref _snapshot, snapshot);
        return snapshot;
    }

    private void Invalidate() => Volatile.Write(ref _snapshot, null);

    private static async Task<bool> InsertAsync(NpgsqlConnection connection, ApiKey key, string secret, CancellationToken cancellationToken)
    {
        await using var command = PostgresDatabase.Command(connection, """
            INSERT INTO rag_api_keys (id, name, key_hash, collections, admin, created_at) VALUES (@id, @name, @hash, @collections, @admin, @created);
            """, new("id", key.Id), new("name", key.Name), new("hash", ApiKeySecrets.Hash(secret)), new("collections", key.Collections.ToArray()),
            new("admin", key.Admin), new("created", key.CreatedAt.UtcDateTime));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static ApiKey ReadKey(NpgsqlDataReader reader, int first) => new(reader.GetString(first), reader.GetString(first + 1),
        reader.GetFieldValue<string[]>(first + 2), reader.GetBoolean(first + 3), reader.GetFieldValue<DateTimeOffset>(first + 4));

    private sealed record Snapshot(IReadOnlyList<(byte[] Hash, ApiKey Key)> Keys, long ReadStartedAt);
}
