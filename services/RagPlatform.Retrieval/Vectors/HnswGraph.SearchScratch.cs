namespace RagPlatform.Retrieval.Vectors;

internal sealed partial class HnswGraph
{
    /// <summary>Per-search buffers, pooled so a search allocates (almost) nothing.</summary>
    private sealed class SearchScratch
    {
        // Visited nodes as a bitmap: 1M nodes take 128 KB, which stays in the L2 cache through a search (an int per
        // node would not). Only the words a search touched are cleared before the next one.
        private ulong[] _visited = new ulong[16];
        private int[] _touched = new int[64];
        private int _touchedCount;

        public PriorityQueue<int, float> Candidates { get; } = new();

        /// <summary>The unvisited neighbours of the node being expanded (at most 2·M of them, the base-layer degree).</summary>
        public int[] Fresh { get; private set; } = new int[64];

        public PriorityQueue<int, float> Results { get; } = new();

        public SearchScratch Begin(int nodes, int maxDegree)
        {
            if (Fresh.Length < maxDegree)
            {
                Fresh = new int[maxDegree];
            }

            var words = (nodes + 63) >> 6;
            if (_visited.Length < words)
            {
                _visited = new ulong[Math.Max(words, _visited.Length * 2)];
            }
            else
            {
                for (var i = 0; i < _touchedCount; i++)
                {
                    _visited[_touched[i]] = 0;
                }
            }

            _touchedCount = 0;
            Candidates.Clear();
            Results.Clear();
            return this;
        }

        /// <summary>Marks the node visited; false when it already was.</summary>
        public bool Visit(int node)
        {
            ref var word = ref _visited[node >> 6];
            var bit = 1UL << node; // the shift count is taken mod 64
            if ((word & bit) != 0)
            {
                return false;
            }

            if (word == 0)
            {
                if (_touchedCount == _touched.Length)
                {
                    Array.Resize(ref _touched, _touched.Length * 2);
                }

                _touched[_touchedCount++] = node >> 6;
            }

            word |= bit;
            return true;
        }
    }
}
