using RagPlatform.Retrieval.Lexical;
using RagPlatform.Retrieval.Vectors;

namespace RagPlatform.Retrieval.Embedded;

/// <summary>What a slot holds besides its vector.</summary>
internal sealed record SlotEntry(string Id, string Text, IReadOnlyDictionary<string, PayloadValue> Payload, long Sequence);

/// <summary>
/// The in-memory copy of one collection: unit vectors in one arena, payloads and texts by slot, a BM25 index and,
/// past the size threshold, an HNSW graph. A replaced or deleted point leaves a dead slot behind (skipped by every
/// search) until compaction renumbers the slots. Writes hold the write lock for the whole batch, so a search
/// (read lock) sees a batch entirely or not at all. The owner serialises writes and applies them only after they
/// are committed to SQLite.
/// </summary>
internal sealed partial class CollectionState : IDisposable
{
    private readonly EmbeddedIndexOptions _options;
    private readonly TextAnalyzer _analyzer;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    private VectorArena _vectors;
    private List<SlotEntry?> _entries = [];
    private SlotSet _live = new();
    private Dictionary<string, int> _slotById = new(StringComparer.Ordinal);
    private Bm25Index _lexical;
    private HnswGraph? _graph;
    private int _removedSlots;

    public CollectionState(StoredCollection stored, EmbeddedIndexOptions options, TextAnalyzer analyzer)
    {
        Stored = stored;
        _options = options;
        _analyzer = analyzer;
        _vectors = new VectorArena(stored.Dimensions);
        _lexical = new Bm25Index(options.Bm25);
    }

    public StoredCollection Stored { get; }

    public string Name => Stored.Name;

    public int Dimensions => Stored.Dimensions;

    /// <summary>The change sequence of the last batch applied in memory.</summary>
    public long AppliedSequence { get; private set; }

    /// <summary>The change sequence the last written or loaded HNSW snapshot covers (-1: none).</summary>
    public long SnapshotSequence { get; private set; } = -1;

    public bool HasGraph => _graph is not null;

    public int PointCount => _live.Count;

    /// <summary>Whether the graph has changed since the snapshot on disk was taken.</summary>
    public bool SnapshotStale => _graph is not null && SnapshotSequence != AppliedSequence;

    public long UnsnapshottedChanges { get; private set; }

    public void Apply(IReadOnlyList<PreparedPoint> points, IReadOnlyList<List<string>> terms, long sequence) =>
        ApplyReplace([], points, terms, sequence);

    public void ApplyDelete(IReadOnlyCollection<string> ids, long sequence) => ApplyReplace(ids, [], [], sequence);

    /// <summary>Removes <paramref name="deleted"/> and adds <paramref name="points"/> under one write lock: readers see all or none of it.</summary>
    public void ApplyReplace(IReadOnlyCollection<string> deleted, IReadOnlyList<PreparedPoint> points, IReadOnlyList<List<string>> terms,
        long sequence)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var id in deleted)
            {
                if (_slotById.Remove(id, out var slot))
                {
                    RemoveSlot(slot);
                }
            }

            for (var i = 0; i < points.Count; i++)
            {
                var point = points[i];
                if (_slotById.Remove(point.Id, out var old))
                {
                    RemoveSlot(old);
                }

                AddSlot(point.UnitVector, new SlotEntry(point.Id, point.Text, point.Payload, sequence), terms[i]);
            }

            Advance(sequence, deleted.Count + points.Count);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Dispose() => _lock.Dispose();

    /// <summary>Loads every stored point (vectors included), building the graph when the collection is large enough.</summary>
    public void LoadAll(IEnumerable<StoredPoint> rows)
    {
        foreach (var row in rows)
        {
            var vector = row.UnitVector ?? throw new InvalidDataException($"Point '{row.Id}' was loaded without its vector.");
            if (vector.Length != Dimensions)
            {
                throw new InvalidDataException($"Point '{row.Id}' has {vector.Length} dimensions, not {Dimensions}.");
            }

            if (_slotById.Remove(row.Id, out var old))
            {
                RemoveSlot(old);
            }

            AddSlot(vector, new SlotEntry(row.Id, row.Text, row.Payload, row.Sequence), _analyzer.Analyze(row.Text));
            AppliedSequence = Math.Max(AppliedSequence, row.Sequence);
        }

        Maintain();
    }

    private void Advance(long sequence, int changes)
    {
        AppliedSequence = sequence;
        UnsnapshottedChanges += changes;
        Maintain();
    }

    private void AddSlot(float[] unitVector, SlotEntry entry, List<string> terms)
    {
        var slot = _vectors.Add(unitVector);
        _entries.Add(entry);
        _live.Add(slot);
        _slotById[entry.Id] = slot;
        _lexical.Add(slot, terms);
        _graph?.Insert(slot);
    }

    private void RemoveSlot(int slot)
    {
        var entry = _entries[slot]!;
        _lexical.Remove(slot, _analyzer.Analyze(entry.Text));
        _live.Remove(slot);
        _entries[slot] = null;
        _removedSlots++;
    }

    private void Maintain()
    {
        if (_removedSlots > 64 && _removedSlots > _entries.Count * _options.CompactRemovedFraction)
        {
            Compact();
        }

        if (_graph is null && _live.Count >= _options.HnswThreshold)
        {
            if (_removedSlots > 0)
            {
                Compact();
            }

            BuildGraph();
        }
    }

    /// <summary>Renumbers the live points into fresh slots; the graph is rebuilt (or dropped if the collection shrank).</summary>
    private void Compact()
    {
        var vectors = new VectorArena(Dimensions, _live.Count);
        var entries = new List<SlotEntry?>(_live.Count);
        var live = new SlotSet(_live.Count);
        var slotById = new Dictionary<string, int>(_live.Count, StringComparer.Ordinal);
        var lexical = new Bm25Index(_options.Bm25);
        for (var slot = 0; slot < _entries.Count; slot++)
        {
            if (_entries[slot] is not { } entry)
            {
                continue;
            }

            var fresh = vectors.Add(_vectors[slot]);
            entries.Add(entry);
            live.Add(fresh);
            slotById[entry.Id] = fresh;
            lexical.Add(fresh, _analyzer.Analyze(entry.Text));
        }

        var hadGraph = _graph is not null;
        (_vectors, _entries, _live, _slotById, _lexical, _graph, _removedSlots) = (vectors, entries, live, slotById, lexical, null, 0);
        if (hadGraph && _live.Count >= _options.HnswThreshold / 2)
        {
            BuildGraph();
        }
    }

    private void BuildGraph()
    {
        var graph = new HnswGraph(_vectors, _options.Hnsw);
        for (var slot = 0; slot < _vectors.Count; slot++)
        {
            graph.Insert(slot);
        }

        _graph = graph;
        SnapshotSequence = -1;
    }
}
