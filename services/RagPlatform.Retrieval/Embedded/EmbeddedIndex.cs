using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagPlatform.Retrieval.Embedded;
using RagPlatform.Retrieval.Lexical;
using RagPlatform.Retrieval.Vectors;

namespace RagPlatform.Retrieval;

/// <summary>
/// The default <see cref="IPointIndex"/>: no server, durable on local disk. SQLite (WAL, synchronous=FULL) is the
/// source of truth; each collection is also held in memory (vectors, BM25 postings, HNSW graph past a size
/// threshold) and rebuilt from SQLite plus an HNSW snapshot on open. Writes are serialised and reach memory only
/// after their commit; searches run concurrently.
/// </summary>
public sealed class EmbeddedIndex : IPointIndex
{
    private const string DatabaseFile = "index.db";
    private const string SnapshotFolder = "hnsw";

    private readonly EmbeddedIndexOptions _options;
    private readonly ILogger _logger;
    private readonly SqliteStore _store;
    private readonly TextAnalyzer _analyzer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private ImmutableDictionary<string, CollectionState> _collections;
    private bool _disposed;

    private EmbeddedIndex(EmbeddedIndexOptions options, ILogger logger, SqliteStore store, TextAnalyzer analyzer,
        ImmutableDictionary<string, CollectionState> collections)
    {
        _options = options;
        _logger = logger;
        _store = store;
        _analyzer = analyzer;
        _collections = collections;
    }

    /// <summary>Opens (or creates) the index under <see cref="EmbeddedIndexOptions.RootDirectory"/> and loads every collection.</summary>
    public static Task<EmbeddedIndex> OpenAsync(EmbeddedIndexOptions options, ILogger<EmbeddedIndex>? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(Path.Combine(options.RootDirectory, SnapshotFolder));
        var log = (ILogger?)logger ?? NullLogger.Instance;
        var analyzer = new TextAnalyzer();
        var store = SqliteStore.Open(Path.Combine(options.RootDirectory, DatabaseFile));
        try
        {
            var collections = ImmutableDictionary.CreateBuilder<string, CollectionState>(StringComparer.Ordinal);
            foreach (var stored in store.LoadCollections())
            {
                cancellationToken.ThrowIfCancellationRequested();
                collections[stored.Name] = LoadCollection(stored, options, analyzer, store, log);
            }

            return Task.FromResult(new EmbeddedIndex(options, log, store, analyzer, collections.ToImmutable()));
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public async Task CreateCollectionAsync(CollectionSpec spec, CancellationToken cancellationToken = default)
    {
        IndexValidation.Spec(spec);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_collections.ContainsKey(spec.Name))
            {
                throw new CollectionAlreadyExistsException(spec.Name);
            }

            var stored = _store.CreateCollection(spec);
            _collections = _collections.Add(spec.Name, new CollectionState(stored, _options, _analyzer));
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task<CollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.FromResult(_collections.TryGetValue(name, out var state)
            ? new CollectionInfo(state.Name, state.Dimensions, state.PointCount)
            : null);
    }

    public Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Task.FromResult<IReadOnlyList<string>>([.. _collections.Keys.Order(StringComparer.Ordinal)]);
    }

    public async Task<bool> DeleteCollectionAsync(string name, CancellationToken cancellationToken = default)
    {
        IndexValidation.CollectionName(name);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_collections.TryGetValue(name, out var state))
            {
                return false;
            }

            _store.DeleteCollection(state.Stored.Key);
            _collections = _collections.Remove(name);
            File.Delete(SnapshotPath(_options, name)); // a leftover would be ignored anyway: it names the old collection key
            return true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task UpsertAsync(string collection, IReadOnlyList<IndexPoint> points, CancellationToken cancellationToken = default)
    {
        var state = Find(collection);
        IndexValidation.Points(points, state.Dimensions);
        if (points.Count > _options.MaxBatchSize)
        {
            throw new ArgumentException($"A batch holds at most {_options.MaxBatchSize} points, not {points.Count}.", nameof(points));
        }

        if (points.Count == 0)
        {
            return;
        }

        var (prepared, terms) = Prepare(points);
        await WriteAsync(collection, state, current =>
        {
            var sequence = _store.Upsert(current.Stored.Key, prepared);
            current.Apply(prepared, terms, sequence);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Atomic in the strongest sense: one SQLite transaction, applied to memory under one write lock.</summary>
    public async Task ReplaceWhereAsync(string collection, PointFilter replaced, IReadOnlyList<IndexPoint> points,
        CancellationToken cancellationToken = default)
    {
        var state = Find(collection);
        IndexValidation.Filter(replaced);
        IndexValidation.Points(points, state.Dimensions);
        if (points.Count > _options.MaxBatchSize)
        {
            throw new ArgumentException($"A batch holds at most {_options.MaxBatchSize} points, not {points.Count}.", nameof(points));
        }

        var (prepared, terms) = Prepare(points);
        await WriteAsync(collection, state, current =>
        {
            var kept = prepared.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            var doomed = current.IdsMatching(replaced).Where(id => !kept.Contains(id)).ToArray();
            if (doomed.Length == 0 && prepared.Length == 0)
            {
                return;
            }

            var sequence = _store.Replace(current.Stored.Key, doomed, prepared);
            current.ApplyReplace(doomed, prepared, terms, sequence);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task DeleteAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var state = Find(collection);
        IndexValidation.Ids(ids);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToArray();
        return distinct.Length == 0
            ? Task.CompletedTask
            : WriteAsync(collection, state, current => current.ApplyDelete(distinct, _store.Delete(current.Stored.Key, distinct)),
                cancellationToken);
    }

    public Task DeleteWhereAsync(string collection, PointFilter filter, CancellationToken cancellationToken = default)
    {
        var state = Find(collection);
        IndexValidation.Filter(filter);

        // Matching under the gate: no other write can change which points match before they are deleted.
        return WriteAsync(collection, state, current =>
        {
            var ids = current.IdsMatching(filter);
            if (ids.Count > 0)
            {
                current.ApplyDelete(ids, _store.Delete(current.Stored.Key, ids));
            }
        }, cancellationToken);
    }

    public Task<IReadOnlyList<IndexPoint>> GetAsync(string collection, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        var state = Find(collection);
        IndexValidation.Ids(ids);
        return Task.FromResult<IReadOnlyList<IndexPoint>>(state.Get(ids));
    }

    public Task<long> CountAsync(string collection, PointFilter? filter = null, CancellationToken cancellationToken = default)
    {
        var state = Find(collection);
        if (filter is not null)
        {
            IndexValidation.Filter(filter);
        }

        return Task.FromResult(state.Count(filter));
    }

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string collection, SearchRequest request, CancellationToken cancellationToken = default)
    {
        var state = Find(collection);
        IndexValidation.Search(request, state.Dimensions);
        var unitQuery = request.Mode == SearchMode.Lexical ? null : VectorMath.Normalized(request.Vector);
        var terms = request.Mode == SearchMode.Dense ? null : _analyzer.Analyze(request.Text!);
        return Task.FromResult<IReadOnlyList<SearchHit>>(state.Search(request, unitQuery, terms));
    }

    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var state in _collections.Values)
            {
                if (state.SnapshotStale)
                {
                    TryWriteSnapshot(state);
                }

                state.Dispose();
            }

            _store.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    internal static string SnapshotPath(EmbeddedIndexOptions options, string collection) =>
        Path.Combine(options.RootDirectory, SnapshotFolder, collection + ".hnsw");

    // The CPU work happens before taking the gate so that writers queue only for the commit and the memory update.
    private (PreparedPoint[] Prepared, List<string>[] Terms) Prepare(IReadOnlyList<IndexPoint> points)
    {
        var prepared = new PreparedPoint[points.Count];
        var terms = new List<string>[points.Count];
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var payload = new Dictionary<string, PayloadValue>(point.Payload, StringComparer.Ordinal);
            prepared[i] = new PreparedPoint(point.Id, VectorMath.Normalized(point.Vector), point.Text, payload, PayloadCodec.Encode(payload));
            terms[i] = _analyzer.Analyze(point.Text);
        }

        return (prepared, terms);
    }

    private CollectionState Find(string collection)
    {
        IndexValidation.CollectionName(collection);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _collections.TryGetValue(collection, out var state) ? state : throw new CollectionNotFoundException(collection);
    }

    private async Task WriteAsync(string collection, CollectionState state, Action<CollectionState> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_collections.TryGetValue(collection, out var current) || current != state)
            {
                throw new CollectionNotFoundException(collection); // deleted (or replaced) while this write queued
            }

            // From here on the write is not cancellable: once committed it must reach memory too.
            write(current);
            if (current.HasGraph && (current.SnapshotSequence < 0 || current.UnsnapshottedChanges >= _options.SnapshotEveryChanges))
            {
                TryWriteSnapshot(current);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private void TryWriteSnapshot(CollectionState state)
    {
        try
        {
            state.WriteSnapshot(SnapshotPath(_options, state.Name));
            EmbeddedIndexLog.SnapshotWritten(_logger, state.Name, state.SnapshotSequence);
        }
        catch (IOException e)
        {
            // The snapshot only saves time on the next open; the database still holds everything.
            EmbeddedIndexLog.SnapshotFailed(_logger, state.Name, e);
        }
    }

    private static CollectionState LoadCollection(StoredCollection stored, EmbeddedIndexOptions options, TextAnalyzer analyzer,
        SqliteStore store, ILogger logger)
    {
        var clock = Stopwatch.StartNew();
        var path = SnapshotPath(options, stored.Name);
        if (File.Exists(path))
        {
            var fromSnapshot = new CollectionState(stored, options, analyzer);
            try
            {
                fromSnapshot.LoadFromSnapshot(path, after => store.LoadPoints(stored.Key, after));
                EmbeddedIndexLog.CollectionLoaded(logger, stored.Name, fromSnapshot.PointCount, clock.ElapsedMilliseconds, true);
                return fromSnapshot;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or FormatException or ArgumentException)
            {
                EmbeddedIndexLog.SnapshotRejected(logger, stored.Name, e.Message);
                fromSnapshot.Dispose();
            }
        }

        var state = new CollectionState(stored, options, analyzer);
        state.LoadAll(store.LoadPoints(stored.Key, vectorsAfter: -1));
        EmbeddedIndexLog.CollectionLoaded(logger, stored.Name, state.PointCount, clock.ElapsedMilliseconds, false);
        return state;
    }
}
