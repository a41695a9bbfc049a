using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace RagPlatform.Gateway.Auth;

/// <summary>
/// API keys, durable in SQLite (keys.db) and stored as SHA-256 hashes: a stolen database reveals no key. Keys are
/// 192 random bits, so an unsalted fast hash is enough (there is no dictionary to guess from). Verification hashes
/// the presented key and compares it with every stored hash in constant time, so timing says nothing about how
/// close a guess came. The table is small and read into memory; writes replace the copy.
/// </summary>
public sealed class ApiKeyStore : IDisposable
{
    public const string KeyPrefix = "rag_";
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private (byte[] Hash, ApiKey Key)[] _keys = [];

    private ApiKeyStore(SqliteConnection connection)
    {
        _connection = connection;
        Reload();
    }

    public static ApiKeyStore Open(string databasePath)
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
        return new ApiKeyStore(connection);
    }

    public bool IsEmpty => Volatile.Read(ref _keys).Length == 0;

    /// <summary>Makes a new random key and stores its hash; the returned secret is shown to the caller once.</summary>
    public (ApiKey Key, string Secret) Create(string name, IReadOnlyList<string> collections, bool admin)
    {
        var secret = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        return (Add(secret, name, collections, admin), secret);
    }

    /// <summary>Stores a key chosen by the operator (the bootstrap key); a no-op when that key exists.</summary>
    public ApiKey Import(string secret, string name, IReadOnlyList<string> collections, bool admin) =>
        Verify(secret) ?? Add(secret, name, collections, admin);

    /// <returns>The key <paramref name="secret"/> belongs to, or null.</returns>
    public ApiKey? Verify(string secret)
    {
        var hash = Hash(secret);
        ApiKey? match = null;
        foreach (var (stored, key) in Volatile.Read(ref _keys))
        {
            // No early exit: every stored hash is compared, whichever matches.
            if (CryptographicOperations.FixedTimeEquals(hash, stored))
            {
                match = key;
            }
        }

        return match;
    }

    public IReadOnlyList<ApiKey> List() => [.. Volatile.Read(ref _keys).Select(k => k.Key).OrderBy(k => k.CreatedAt)];

    public bool Delete(string id)
    {
        lock (_gate)
        {
            using var command = new SqliteCommand("DELETE FROM api_keys WHERE id = $id;", _connection);
            command.Parameters.AddWithValue("$id", id);
            var deleted = command.ExecuteNonQuery() > 0;
            Reload();
            return deleted;
        }
    }

    public void Dispose() => _connection.Dispose();

    private ApiKey Add(string secret, string name, IReadOnlyList<string> collections, bool admin)
    {
        var key = new ApiKey("key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), name, collections, admin, DateTimeOffset.UtcNow);
        lock (_gate)
        {
            using var command = new SqliteCommand("""
                INSERT INTO api_keys (id, name, key_hash, collections, admin, created_at) VALUES ($id, $name, $hash, $collections, $admin, $created);
                """, _connection);
            command.Parameters.AddWithValue("$id", key.Id);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$hash", Hash(secret));
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

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
