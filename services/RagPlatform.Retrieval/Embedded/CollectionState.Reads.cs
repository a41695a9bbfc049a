using RagPlatform.Retrieval.Fusion;
using RagPlatform.Retrieval.Vectors;

namespace RagPlatform.Retrieval.Embedded;

internal sealed partial class CollectionState
{
    public long Count(PointFilter? filter)
    {
        _lock.EnterReadLock();
        try
        {
            return filter is null ? _live.Count : Matching(filter).Count;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public List<string> IdsMatching(PointFilter filter)
    {
        _lock.EnterReadLock();
        try
        {
            var matching = Matching(filter);
            var ids = new List<string>(matching.Count);
            for (var slot = 0; slot < _entries.Count; slot++)
            {
                if (matching.Contains(slot))
                {
                    ids.Add(_entries[slot]!.Id);
                }
            }

            return ids;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public List<IndexPoint> Get(IReadOnlyCollection<string> ids)
    {
        _lock.EnterReadLock();
        try
        {
            var points = new List<IndexPoint>(ids.Count);
            foreach (var id in ids)
            {
                if (_slotById.TryGetValue(id, out var slot))
                {
                    var entry = _entries[slot]!;
                    points.Add(new IndexPoint { Id = entry.Id, Vector = _vectors[slot].ToArray(), Text = entry.Text, Payload = entry.Payload });
                }
            }

            return points;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <param name="unitQuery">The normalised query vector (Dense, Hybrid).</param>
    /// <param name="queryTerms">The analysed query text (Lexical, Hybrid).</param>
    public List<SearchHit> Search(SearchRequest request, float[]? unitQuery, List<string>? queryTerms)
    {
        _lock.EnterReadLock();
        try
        {
            var filter = request.Filter is null ? null : Matching(request.Filter);
            var ranked = request.Mode switch
            {
                SearchMode.Dense => Dense(unitQuery!, request.Limit, filter),
                SearchMode.Lexical => Lexical(queryTerms!, request.Limit, filter),
                _ => Hybrid(unitQuery!, queryTerms!, request.Limit, filter),
            };

            var hits = new List<SearchHit>(Math.Min(request.Limit, ranked.Count));
            foreach (var (slot, score) in ranked)
            {
                if (hits.Count == request.Limit || (request.ScoreThreshold is { } threshold && score < threshold))
                {
                    break;
                }

                var entry = _entries[slot]!;
                hits.Add(new SearchHit(entry.Id, score, entry.Text, entry.Payload));
            }

            return hits;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private List<(int Slot, float Score)> Dense(float[] unitQuery, int limit, SlotSet? filter)
    {
        // A selective filter leaves too few accepted nodes for the graph walk to find: scan those exactly instead.
        if (_graph is not null && (filter is null || filter.Count >= _options.HnswThreshold))
        {
            return _graph.Search(unitQuery, limit, Math.Max(_options.Hnsw.EfSearch, limit), _live, filter);
        }

        return ExactSearch.Top(_vectors, unitQuery, limit, filter ?? _live);
    }

    private List<(int Slot, float Score)> Lexical(List<string> queryTerms, int limit, SlotSet? filter) =>
        queryTerms.Count == 0 ? [] : _lexical.Search(queryTerms, limit, filter is null ? null : filter.Contains);

    private List<(int Slot, float Score)> Hybrid(float[] unitQuery, List<string> queryTerms, int limit, SlotSet? filter)
    {
        var candidates = Math.Max(limit, _options.HybridCandidates);
        var dense = Dense(unitQuery, candidates, filter).ConvertAll(hit => hit.Slot);
        var lexical = Lexical(queryTerms, candidates, filter).ConvertAll(hit => hit.Slot);
        return ReciprocalRankFusion.Fuse<int>([dense, lexical], _options.RrfK);
    }

    /// <summary>The live slots whose payload passes the filter.</summary>
    private SlotSet Matching(PointFilter filter)
    {
        var matching = new SlotSet(_entries.Count);
        for (var slot = 0; slot < _entries.Count; slot++)
        {
            if (_entries[slot] is { } entry && PayloadFilterEvaluator.Matches(filter, entry.Payload))
            {
                matching.Add(slot);
            }
        }

        return matching;
    }
}
