using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RagPlatform.Retrieval.Vectors;

namespace RagPlatform.Retrieval.Embedded;

/// <summary>
/// HNSW snapshots: the slots (ids, liveness), their unit vectors and the graph links as of one change sequence,
/// followed by a SHA-256 of everything before it. Written to a temporary file, fsynced, then renamed over the old
/// one, so a crash leaves the old snapshot or the new one, never a torn file. Opening a collection loads the
/// snapshot and replays only the rows committed after it; any doubt about a snapshot means a rebuild from SQLite.
/// </summary>
internal sealed partial class CollectionState
{
    private static ReadOnlySpan<byte> Magic => "RAGHNSW1"u8;

    private const int FormatVersion = 1;

    public void WriteSnapshot(string path)
    {
        var temporary = path + ".tmp";
        _lock.EnterReadLock();
        try
        {
            if (_graph is null)
            {
                return;
            }

            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                using (var hashing = new HashingStream(file))
                using (var writer = new BinaryWriter(hashing, System.Text.Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    writer.Write(Stored.Key);
                    writer.Write(AppliedSequence);
                    writer.Write(Dimensions);
                    writer.Write(_options.Hnsw.M);
                    writer.Write(_options.Hnsw.Seed);
                    writer.Write(_entries.Count);
                    foreach (var entry in _entries)
                    {
                        writer.Write(entry is not null);
                        if (entry is not null)
                        {
                            writer.Write(entry.Id);
                        }
                    }

                    writer.Write(MemoryMarshal.AsBytes(_vectors.Raw));
                    _graph.WriteTo(writer);
                    writer.Flush();
                    file.Write(hashing.CurrentHash());
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
            SnapshotSequence = AppliedSequence;
            UnsnapshottedChanges = 0;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Loads the snapshot at <paramref name="path"/> and then the stored rows, reading vectors only for rows
    /// committed after the snapshot.
    /// </summary>
    /// <exception cref="InvalidDataException">The snapshot is corrupt, foreign or inconsistent with the rows.</exception>
    public void LoadFromSnapshot(string path, Func<long, IEnumerable<StoredPoint>> rowsWithVectorsAfter)
    {
        var (sequence, ids, vectors, graph) = ReadSnapshot(path);
        var slotById = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var slot = 0; slot < ids.Length; slot++)
        {
            if (ids[slot] is { } id && !slotById.TryAdd(id, slot))
            {
                throw new InvalidDataException($"The snapshot lists point '{id}' twice.");
            }
        }

        _vectors = vectors;
        _graph = graph;
        _entries = [.. new SlotEntry?[ids.Length]];
        _removedSlots = ids.Length;
        var later = new List<StoredPoint>();
        foreach (var row in rowsWithVectorsAfter(sequence))
        {
            if (row.Sequence > sequence)
            {
                later.Add(row);
                continue;
            }

            if (!slotById.TryGetValue(row.Id, out var slot) || _entries[slot] is not null)
            {
                throw new InvalidDataException($"Point '{row.Id}' (sequence {row.Sequence}) is missing from the snapshot.");
            }

            _entries[slot] = new SlotEntry(row.Id, row.Text, row.Payload, row.Sequence);
            _live.Add(slot);
            _slotById[row.Id] = slot;
            _lexical.Add(slot, _analyzer.Analyze(row.Text));
            _removedSlots--;
            AppliedSequence = Math.Max(AppliedSequence, row.Sequence);
        }

        // Snapshot points without a row of their sequence were deleted or replaced later: their slots stay dead.
        AppliedSequence = Math.Max(AppliedSequence, sequence);
        SnapshotSequence = sequence;
        UnsnapshottedChanges = later.Count;
        LoadAll(later);
    }

    private (long Sequence, string?[] Ids, VectorArena Vectors, HnswGraph Graph) ReadSnapshot(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var hashing = new HashingStream(file);
        using var reader = new BinaryReader(hashing, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != FormatVersion)
            {
                throw new InvalidDataException("Not an HNSW snapshot of this format.");
            }

            var key = reader.ReadInt64();
            var sequence = reader.ReadInt64();
            var dimensions = reader.ReadInt32();
            var m = reader.ReadInt32();
            var seed = reader.ReadUInt64();
            if (key != Stored.Key || dimensions != Dimensions || m != _options.Hnsw.M || seed != _options.Hnsw.Seed)
            {
                throw new InvalidDataException("The snapshot belongs to another collection or other HNSW settings.");
            }

            var slots = reader.ReadInt32();
            if (slots < 0 || (long)slots * dimensions * sizeof(float) > file.Length)
            {
                throw new InvalidDataException($"The snapshot claims {slots} slots, more than the file holds.");
            }

            var ids = new string?[slots];
            for (var slot = 0; slot < slots; slot++)
            {
                ids[slot] = reader.ReadBoolean() ? reader.ReadString() : null;
            }

            var raw = new float[(long)slots * dimensions];
            var bytes = MemoryMarshal.AsBytes(raw.AsSpan());
            if (hashing.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) != bytes.Length)
            {
                throw new InvalidDataException("The snapshot ends inside its vectors.");
            }

            var vectors = new VectorArena(dimensions, raw, slots);
            var graph = HnswGraph.ReadFrom(reader, vectors, _options.Hnsw);
            var expected = hashing.CurrentHash();
            var stored = new byte[expected.Length];
            if (file.ReadAtLeast(stored, stored.Length, throwOnEndOfStream: false) != stored.Length ||
                !CryptographicOperations.FixedTimeEquals(stored, expected) || file.Position != file.Length)
            {
                throw new InvalidDataException("The snapshot checksum does not match its contents.");
            }

            return (sequence, ids, vectors, graph);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The snapshot is truncated.", e);
        }
    }
}
