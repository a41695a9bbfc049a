using System.Collections.Concurrent;
using System.Runtime.Intrinsics.X86;

namespace RagPlatform.Retrieval.Vectors;

/// <summary>
/// An HNSW graph over the slots of a <see cref="VectorArena"/>: node n is slot n. Links live in flat int arrays
/// (count first, then neighbours) so a search touches no per-node objects on the base layer. Distance is the
/// negated dot product of unit vectors, so a smaller distance is a higher cosine similarity.
/// Inserts must not run concurrently with anything; searches may run concurrently with each other.
/// Removed points stay as nodes (they still route searches) and are skipped in results.
/// </summary>
internal sealed partial class HnswGraph
{
    private const int MaxLevel = 16;

    private readonly VectorArena _vectors;
    private readonly int _m;
    private readonly int _m0;
    private readonly int _efConstruction;
    private readonly ulong _seed;
    private readonly double _levelMultiplier;
    private readonly ConcurrentBag<SearchScratch> _scratch = [];

    private int[] _baseLinks;     // node * (_m0 + 1): [count, neighbours...]
    private int[]?[] _upperLinks; // per node, levels 1..level, each (_m + 1) wide: [count, neighbours...]
    private byte[] _levels;
    private int _entryPoint = -1;
    private int _topLevel = -1;

    public HnswGraph(VectorArena vectors, HnswParameters parameters)
    {
        _vectors = vectors;
        _m = parameters.M;
        _m0 = parameters.M * 2;
        _efConstruction = parameters.EfConstruction;
        _seed = parameters.Seed;
        _levelMultiplier = 1.0 / Math.Log(parameters.M);
        _baseLinks = new int[16 * (_m0 + 1)];
        _upperLinks = new int[16][];
        _levels = new byte[16];
    }

    public int NodeCount { get; private set; }

    /// <summary>Adds slot <paramref name="node"/>, which must be the next slot after the last node.</summary>
    public void Insert(int node)
    {
        if (node != NodeCount)
        {
            throw new InvalidOperationException($"HNSW nodes are added in slot order: expected {NodeCount}, got {node}.");
        }

        var level = LevelOf(node);
        AllocateNode(node, level);
        NodeCount++;
        if (_entryPoint < 0)
        {
            _entryPoint = node;
            _topLevel = level;
            return;
        }

        var query = _vectors[node];
        var scratch = RentScratch();
        try
        {
            var current = _entryPoint;
            var currentDistance = Distance(query, current);
            for (var l = _topLevel; l > level; l--)
            {
                (current, currentDistance) = GreedyClosest(query, current, currentDistance, l);
            }

            for (var l = Math.Min(level, _topLevel); l >= 0; l--)
            {
                var candidates = SearchLayer(query, current, currentDistance, _efConstruction, l, accept: null, scratch);
                var neighbours = SelectByHeuristic(candidates, _m);
                SetLinks(node, l, neighbours);
                foreach (var (neighbour, distance) in neighbours)
                {
                    LinkBack(neighbour, node, distance, l);
                }

                (current, currentDistance) = candidates[0];
            }
        }
        finally
        {
            _scratch.Add(scratch);
        }

        if (level > _topLevel)
        {
            _entryPoint = node;
            _topLevel = level;
        }
    }

    /// <summary>The <paramref name="k"/> accepted nodes closest to <paramref name="unitQuery"/>, best first, with cosine scores.</summary>
    public List<(int Slot, float Score)> Search(ReadOnlySpan<float> unitQuery, int k, int ef, SlotSet live, SlotSet? filter)
    {
        if (_entryPoint < 0)
        {
            return [];
        }

        var scratch = RentScratch();
        try
        {
            var current = _entryPoint;
            var currentDistance = Distance(unitQuery, current);
            for (var l = _topLevel; l > 0; l--)
            {
                (current, currentDistance) = GreedyClosest(unitQuery, current, currentDistance, l);
            }

            var found = SearchLayer(unitQuery, current, currentDistance, Math.Max(ef, k), 0, new Acceptance(live, filter), scratch);
            var hits = new List<(int Slot, float Score)>(Math.Min(k, found.Count));
            for (var i = 0; i < found.Count && hits.Count < k; i++)
            {
                hits.Add((found[i].Node, -found[i].Distance));
            }

            return hits;
        }
        finally
        {
            _scratch.Add(scratch);
        }
    }

    private readonly record struct Acceptance(SlotSet Live, SlotSet? Filter)
    {
        public bool Accepts(int node) => Live.Contains(node) && (Filter is null || Filter.Contains(node));
    }

    private float Distance(ReadOnlySpan<float> query, int node) => -_vectors.Similarity(query, node);

    private int LevelOf(int node)
    {
        // SplitMix64 of (seed, slot): the level of a slot does not depend on the order or history of inserts.
        var z = _seed + (0x9E3779B97F4A7C15UL * (ulong)(node + 1));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        var uniform = ((z >> 11) + 1) * (1.0 / (1UL << 53)); // (0, 1]
        return Math.Min(MaxLevel, (int)(-Math.Log(uniform) * _levelMultiplier));
    }

    private void AllocateNode(int node, int level)
    {
        if (node >= _levels.Length)
        {
            var capacity = Math.Max(node + 1, _levels.Length * 2);
            Array.Resize(ref _levels, capacity);
            Array.Resize(ref _upperLinks, capacity);
            Array.Resize(ref _baseLinks, capacity * (_m0 + 1));
        }

        _levels[node] = (byte)level;
        _baseLinks[node * (_m0 + 1)] = 0;
        _upperLinks[node] = level == 0 ? null : new int[level * (_m + 1)];
    }

    /// <summary>A queued candidate's base-layer links will be read when it is expanded: start loading them now.</summary>
    private unsafe void PrefetchBaseLinks(int node, int level)
    {
        if (level == 0 && Sse.IsSupported)
        {
            fixed (int* links = &_baseLinks[node * (_m0 + 1)])
            {
                Sse.Prefetch0(links);
            }
        }
    }

    private Span<int> LinksOf(int node, int level) => level == 0
        ? _baseLinks.AsSpan(node * (_m0 + 1), _m0 + 1)
        : _upperLinks[node]!.AsSpan((level - 1) * (_m + 1), _m + 1);

    private (int Node, float Distance) GreedyClosest(ReadOnlySpan<float> query, int current, float currentDistance, int level)
    {
        var improved = true;
        while (improved)
        {
            improved = false;
            var links = LinksOf(current, level);
            for (var i = 1; i <= links[0]; i++)
            {
                var distance = Distance(query, links[i]);
                if (distance < currentDistance)
                {
                    currentDistance = distance;
                    current = links[i];
                    improved = true;
                }
            }
        }

        return (current, currentDistance);
    }

    /// <summary>
    /// Best-first search of one layer from an entry point. Non-accepted nodes are traversed but not returned.
    /// Returns up to <paramref name="ef"/> accepted nodes, nearest first.
    /// </summary>
    private List<(int Node, float Distance)> SearchLayer(ReadOnlySpan<float> query, int entry, float entryDistance, int ef, int level,
        Acceptance? accept, SearchScratch scratch)
    {
        var visited = scratch.Begin(NodeCount, _m0);
        var candidates = scratch.Candidates; // nearest first
        var results = scratch.Results;       // farthest first (priority = -distance)
        var lowerBound = float.PositiveInfinity;
        if (accept is null || accept.Value.Accepts(entry))
        {
            results.Enqueue(entry, -entryDistance);
            lowerBound = entryDistance;
        }

        candidates.Enqueue(entry, entryDistance);
        visited.Visit(entry);
        while (candidates.TryPeek(out var candidate, out var candidateDistance))
        {
            if (candidateDistance > lowerBound && results.Count == ef)
            {
                break;
            }

            candidates.Dequeue();
            var links = LinksOf(candidate, level);
            // Unvisited neighbours first, each vector's load started at once, then the distances: the loads overlap
            // instead of each waiting for the previous one (vectors far outgrow the cache, so memory latency dominates).
            var fresh = scratch.Fresh;
            var freshCount = 0;
            for (var i = 1; i <= links[0]; i++)
            {
                var neighbour = links[i];
                if (visited.Visit(neighbour))
                {
                    fresh[freshCount++] = neighbour;
                    _vectors.Prefetch(neighbour);
                }
            }

            for (var i = 0; i < freshCount; i++)
            {
                var neighbour = fresh[i];
                var distance = Distance(query, neighbour);
                if (results.Count < ef || distance < lowerBound)
                {
                    candidates.Enqueue(neighbour, distance);
                    PrefetchBaseLinks(neighbour, level);
                    if (accept is null || accept.Value.Accepts(neighbour))
                    {
                        results.Enqueue(neighbour, -distance);
                        if (results.Count > ef)
                        {
                            results.Dequeue();
                        }
                    }

                    if (results.TryPeek(out _, out var farthest))
                    {
                        lowerBound = -farthest;
                    }
                }
            }
        }

        var found = new List<(int Node, float Distance)>(results.Count);
        while (results.TryDequeue(out var node, out var negated))
        {
            found.Add((node, -negated));
        }

        found.Reverse();
        candidates.Clear();
        return found;
    }

    /// <summary>
    /// Malkov's neighbour heuristic: keep a candidate only when it is closer to the base than to every neighbour
    /// already kept, which spreads links across directions and keeps the graph navigable in clusters.
    /// </summary>
    private List<(int Node, float Distance)> SelectByHeuristic(List<(int Node, float Distance)> nearestFirst, int m)
    {
        if (nearestFirst.Count <= m)
        {
            return nearestFirst;
        }

        var kept = new List<(int Node, float Distance)>(m);
        foreach (var (node, distance) in nearestFirst)
        {
            if (kept.Count >= m)
            {
                break;
            }

            var diverse = true;
            foreach (var (other, _) in kept)
            {
                if (-_vectors.Similarity(node, other) < distance)
                {
                    diverse = false;
                    break;
                }
            }

            if (diverse)
            {
                kept.Add((node, distance));
            }
        }

        return kept;
    }

    private void SetLinks(int node, int level, List<(int Node, float Distance)> neighbours)
    {
        var links = LinksOf(node, level);
        links[0] = neighbours.Count;
        for (var i = 0; i < neighbours.Count; i++)
        {
            links[i + 1] = neighbours[i].Node;
        }
    }

    private void LinkBack(int node, int newNeighbour, float distance, int level)
    {
        var links = LinksOf(node, level);
        var capacity = links.Length - 1;
        if (links[0] < capacity)
        {
            links[++links[0]] = newNeighbour;
            return;
        }

        var candidates = new List<(int Node, float Distance)>(capacity + 1) { (newNeighbour, distance) };
        for (var i = 1; i <= links[0]; i++)
        {
            candidates.Add((links[i], -_vectors.Similarity(node, links[i])));
        }

        candidates.Sort(static (a, b) => a.Distance.CompareTo(b.Distance));
        SetLinks(node, level, SelectByHeuristic(candidates, capacity));
    }

    private SearchScratch RentScratch() => _scratch.TryTake(out var scratch) ? scratch : new SearchScratch();
}
