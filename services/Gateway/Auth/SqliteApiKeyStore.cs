using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace RagPlatform.Gateway.Auth;

/// <summary>
/// The API keys of one gateway, durable in SQLite (keys.db). The table is small and read into memory; every write
/// replaces the copy, so a revoked key is refused from the next request on.
/// </summary>
public sealed class SqliteApiKeyStore : IApiKeyStore, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private (byte[] Hash, ApiKey Key)[] _keys = [];

    private SqliteApiKeyStore(SqliteConnection connection)
    {
        _connection = connection;
        Reload();
    }

    public static SqliteApiKeyStore Open(string databasePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = new SqliteCommand("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS api_keys (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                key_hash BLOB NOT NULL UNIQUE,
                collections TEXT NOT NULL,
                admin INTEGER NOT NULL,
                created_at TEXT NOT NULL);
            """, connection);
        command.ExecuteNonQuery();
        return new SqliteApiKeyStore(connection);
    }

    public Task<ApiKey?> VerifyAsync(string secret, CancellationToken cancellationToken) =>
        Task.FromResult(ApiKeySecrets.Match(Volatile.Read(ref _keys), ApiKeySecrets.Hash(secret)));

    public Task<(ApiKey Key, string Secret)> CreateAsync(string name, IReadOnlyList<string> collections, bool admin, CancellationToken cancellationToken)
    {
        var secret = ApiKeySecrets.NewSecret();
        return Task.FromResult((Add(secret, name, collections, admin), secret));
    }

    public Task<(ApiKey Key, string Secret)?> CreateFirstAsync(string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_keys.Length > 0)
            {
                return Task.FromResult<(ApiKey, string)?>(null);
            }

            var secret = ApiKeySecrets.NewSecret();
            return Task.FromResult<(ApiKey, string)?>((Add(secret, name, [ApiKey.AllCollections], admin: true), secret));
        }
    }

    public Task<ApiKey> ImportAsync(string secret, string name, IReadOnlyList<string> collections, bool admin, CancellationToken cancellationToken) =>
        Task.FromResult(ApiKeySecrets.Match(Volatile.Read(ref _keys), ApiKeySecrets.Hash(secret)) ?? Add(secret, name, collections, admin));

    public Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApiKey>>([.. Volatile.Read(ref _keys).Select(k => k.Key).OrderBy(k => k.CreatedAt)]);

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            using var command = new SqliteCommand("DELETE FROM api_keys WHERE id = $id;", _connection);
            command.Parameters.AddWithValue("$id", id);
            var deleted = command.ExecuteNonQuery() > 0;
            Reload();
            return Task.FromResult(deleted);
        }
    }

    public void Dispose() => _connection.Dispose();

    private ApiKey Add(string secret, string name, IReadOnlyList<string> collections, bool admin)
    {
        var key = new ApiKey(ApiKeySecrets.NewId(), name, collections, admin, DateTimeOffset.UtcNow);
        lock (_gate)
        {
            using var command = new SqliteCommand("""
                INSERT INTO api_keys (id, name, key_hash, collections, admin, created_at) VALUES ($id, $name, $hash, $collections, $admin, $created);
                """, _connection);
            command.Parameters.AddWithValue("$id", key.Id);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$hash", ApiKeySecrets.Hash(secret));
            command.Parameters.AddWithValue("$collections", JsonSerializer.Serialize(collections));
            command.Parameters.AddWithValue("$admin", admin ? 1 : 0);
            command.Parameters.AddWithValue("$created", key.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            command.ExecuteNonQuery();
            Reload();
        }

        return key;
    }

    private void Reload()
    {
        var keys = new List<(byte[], ApiKey)>();
        using var command = new SqliteCommand("SELECT id, name, key_hash, collections, admin, created_at FROM api_keys;", _connection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(((byte[])reader[2], new ApiKey(reader.GetString(0), reader.GetString(1),
                JsonSerializer.Deserialize<string[]>(reader.GetString(3)) ?? [], reader.GetInt32(4) != 0,
                DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture))));
        }

        Volatile.Write(ref _keys, [.. keys]);
    }
}
