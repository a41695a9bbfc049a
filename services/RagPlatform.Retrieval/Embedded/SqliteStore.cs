using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace RagPlatform.Retrieval.Embedded;

/// <summary>A point ready to store and index: unit vector, payload already encoded.</summary>
internal sealed record PreparedPoint(string Id, float[] UnitVector, string Text, IReadOnlyDictionary<string, PayloadValue> Payload, string PayloadJson);

internal sealed record StoredCollection(long Key, string Name, int Dimensions, IReadOnlyDictionary<string, PayloadKind> FilterableFields);

/// <param name="UnitVector">Null when the caller asked to skip vectors of this sequence (a snapshot holds them).</param>
internal sealed record StoredPoint(string Id, long Sequence, float[]? UnitVector, string Text, IReadOnlyDictionary<string, PayloadValue> Payload);

/// <summary>
/// The source of truth: one SQLite database per index root, in WAL mode with synchronous=FULL, so a commit returns
/// only after the WAL is fsynced and a batch is one transaction (all or nothing, even under kill -9).
/// One database rather than one per collection: a single writer and a single fsync per batch, and collection
/// create/delete are atomic with the catalogue. Every committed batch takes the next value of one global change
/// sequence, stamped on the rows it writes; HNSW snapshots record the sequence they cover.
/// Not thread-safe: the owner serialises all calls.
/// </summary>
internal sealed class SqliteStore : IDisposable
{
    private readonly SqliteConnection _connection;

    private SqliteStore(SqliteConnection connection) => _connection = connection;

    public static SqliteStore Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // closing must really close the file: tests and restarts reopen it at once
        }.ToString());
        connection.Open();
        try
        {
            Execute(connection, """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT OR IGNORE INTO meta (key, value) VALUES ('sequence', 0);
                CREATE TABLE IF NOT EXISTS collections (
                    key INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    dimensions INTEGER NOT NULL,
                    fields TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS points (
                    collection INTEGER NOT NULL,
                    id TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    vector BLOB NOT NULL,
                    text TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    UNIQUE (collection, id));
                CREATE INDEX IF NOT EXISTS points_by_sequence ON points (collection, sequence);
                """);
            var mode = new SqliteCommand("PRAGMA journal_mode;", connection).ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode for {path} (got '{mode}').");
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return new SqliteStore(connection);
    }

    public List<StoredCollection> LoadCollections()
    {
        using var command = new SqliteCommand("SELECT key, name, dimensions, fields FROM collections ORDER BY name;", _connection);
        using var reader = command.ExecuteReader();
        var collections = new List<StoredCollection>();
        while (reader.Read())
        {
            var fields = PayloadCodec.Decode(reader.GetString(3))
                .ToDictionary(f => f.Key, f => Enum.Parse<PayloadKind>(f.Value.AsString()));
            collections.Add(new StoredCollection(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), fields));
        }

        return collections;
    }

    /// <summary>The points of a collection in commit order; vectors only for sequences after <paramref name="vectorsAfter"/>.</summary>
    public IEnumerable<StoredPoint> LoadPoints(long collection, long vectorsAfter)
    {
        using var command = new SqliteCommand("""
            SELECT id, sequence, CASE WHEN sequence > $after THEN vector END, text, payload
            FROM points WHERE collection = $collection ORDER BY sequence, rowid;
            """, _connection);
        command.Parameters.AddWithValue("$after", vectorsAfter);
        command.Parameters.AddWithValue("$collection", collection);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            float[]? vector = null;
            if (!reader.IsDBNull(2))
            {
                var bytes = (byte[])reader.GetValue(2);
                vector = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            }

            yield return new StoredPoint(reader.GetString(0), reader.GetInt64(1), vector, reader.GetString(3),
                PayloadCodec.Decode(reader.GetString(4)));
        }
    }

    public StoredCollection CreateCollection(CollectionSpec spec)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = new SqliteCommand(
            "INSERT INTO collections (name, dimensions, fields) VALUES ($name, $dimensions, $fields) RETURNING key;",
            _connection, transaction);
        command.Parameters.AddWithValue("$name", spec.Name);
        command.Parameters.AddWithValue("$dimensions", spec.Dimensions);
        command.Parameters.AddWithValue("$fields", PayloadCodec.Encode(
            spec.FilterableFields.ToDictionary(f => f.Key, f => PayloadValue.From(f.Value.ToString()))));
        var key = (long)command.ExecuteScalar()!;
        transaction.Commit();
        return new StoredCollection(key, spec.Name, spec.Dimensions, spec.FilterableFields);
    }

    public void DeleteCollection(long collection)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = new SqliteCommand(
            "DELETE FROM points WHERE collection = $collection; DELETE FROM collections WHERE key = $collection;",
            _connection, transaction);
        command.Parameters.AddWithValue("$collection", collection);
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <returns>The change sequence of the committed batch.</returns>
    public long Upsert(long collection, IReadOnlyList<PreparedPoint> points) => Replace(collection, [], points);

    /// <returns>The change sequence of the committed batch.</returns>
    public long Delete(long collection, IReadOnlyCollection<string> ids) => Replace(collection, ids, []);

    /// <summary>Deletes <paramref name="deleted"/> then upserts <paramref name="points"/> in ONE transaction.</summary>
    /// <returns>The change sequence of the committed batch.</returns>
    public long Replace(long collection, IReadOnlyCollection<string> deleted, IReadOnlyList<PreparedPoint> points)
    {
        using var transaction = _connection.BeginTransaction();
        var sequence = NextSequence(transaction);
        if (deleted.Count > 0)
        {
            DeleteRows(collection, deleted, transaction);
        }

        if (points.Count > 0)
        {
            UpsertRows(collection, points, sequence, transaction);
        }

        transaction.Commit();
        return sequence;
    }

    public void Dispose() => _connection.Dispose();

    private void UpsertRows(long collection, IReadOnlyList<PreparedPoint> points, long sequence, SqliteTransaction transaction)
    {
        using var command = new SqliteCommand("""
            INSERT INTO points (collection, id, sequence, vector, text, payload)
            VALUES ($collection, $id, $sequence, $vector, $text, $payload)
            ON CONFLICT (collection, id) DO UPDATE SET
                sequence = excluded.sequence, vector = excluded.vector, text = excluded.text, payload = excluded.payload;
            """, _connection, transaction);
        command.Parameters.AddWithValue("$collection", collection);
        command.Parameters.AddWithValue("$sequence", sequence);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var vector = command.Parameters.Add("$vector", SqliteType.Blob);
        var text = command.Parameters.Add("$text", SqliteType.Text);
        var payload = command.Parameters.Add("$payload", SqliteType.Text);
        command.Prepare();
        foreach (var point in points)
        {
            id.Value = point.Id;
            vector.Value = MemoryMarshal.AsBytes(point.UnitVector.AsSpan()).ToArray();
            text.Value = point.Text;
            payload.Value = point.PayloadJson;
            command.ExecuteNonQuery();
        }
    }

    private void DeleteRows(long collection, IReadOnlyCollection<string> ids, SqliteTransaction transaction)
    {
        using var command = new SqliteCommand("DELETE FROM points WHERE collection = $collection AND id = $id;", _connection, transaction);
        command.Parameters.AddWithValue("$collection", collection);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        command.Prepare();
        foreach (var value in ids)
        {
            id.Value = value;
            command.ExecuteNonQuery();
        }
    }

    private long NextSequence(SqliteTransaction transaction)
    {
        using var command = new SqliteCommand(
            "UPDATE meta SET value = value + 1 WHERE key = 'sequence' RETURNING value;", _connection, transaction);
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
