using System.Collections.Concurrent;

namespace RagPlatform.Tokenizers.Bpe;

/// <summary>
/// Byte-level BPE merges over token ids. The lowest-ranked adjacent pair merges first, the leftmost on a tie
/// (what transformers.js's priority queue and tokenizers' word merge both do). Results are cached per piece in a
/// bounded, thread-safe cache.
/// </summary>
internal sealed class BpeModel
{
    private const int CacheCapacity = 50_000;
    private const int MaxCachedPieceLength = 256;

    private readonly Dictionary<long, (int Rank, int Merged)> _merges;
    private readonly int[] _byteIds;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;

    public BpeModel(Dictionary<string, int> vocabulary, IReadOnlyList<(string Left, string Right)> merges)
    {
        _byteIds = new int[256];
        for (var b = 0; b < 256; b++)
        {
            var symbol = ByteLevelAlphabet.ByteToChar((byte)b).ToString();
            _byteIds[b] = vocabulary.TryGetValue(symbol, out var id)
                ? id
                : throw new InvalidDataException($"The byte-level vocabulary lacks the symbol for byte 0x{b:X2}.");
        }

        _merges = new Dictionary<long, (int, int)>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            var (left, right) = merges[rank];
            if (!vocabulary.TryGetValue(left, out var leftId) || !vocabulary.TryGetValue(right, out var rightId)
                || !vocabulary.TryGetValue(left + right, out var mergedId))
            {
                throw new InvalidDataException($"Merge {rank} ('{left} {right}') uses a token missing from the vocabulary.");
            }

            _merges.TryAdd(PairKey(leftId, rightId), (rank, mergedId));
        }

        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// Tokenizes one pre-token given as UTF-8 bytes; <paramref name="cacheKey"/> is its text. Appends, per token,
    /// the id and the number of bytes it covers.
    /// </summary>
    public void Tokenize(ReadOnlySpan<byte> bytes, ReadOnlySpan<char> cacheKey, List<(int Id, int ByteLength)> output)
    {
        if (bytes.Length == 1)
        {
            output.Add((_byteIds[bytes[0]], 1));
            return;
        }

        if (_cacheLookup.TryGetValue(cacheKey, out var cached))
        {
            AppendCached(cached, output);
            return;
        }

        var result = Merge(bytes);
        if (cacheKey.Length < MaxCachedPieceLength)
        {
            if (_cache.Count >= CacheCapacity)
            {
                // Crude but bounded: a full cache starts over rather than tracking recency on every hit.
                _cache.Clear();
            }

            _cacheLookup.TryAdd(cacheKey, result);
        }

        AppendCached(result, output);
    }

    private static void AppendCached(int[] cached, List<(int Id, int ByteLength)> output)
    {
        for (var i = 0; i < cached.Length; i += 2)
        {
            output.Add((cached[i], cached[i + 1]));
        }
    }

    /// <summary>Returns id/byte-length pairs flattened into one array.</summary>
    private int[] Merge(ReadOnlySpan<byte> bytes)
    {
        var n = bytes.Length;
        var ids = new int[n];
        var lengths = new int[n];
        var next = new int[n];
        var previous = new int[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = _byteIds[bytes[i]];
            lengths[i] = 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            previous[i] = i - 1;
        }

        // Priority = rank, then position of the left symbol: the leftmost of equally ranked pairs goes first.
        var queue = new PriorityQueue<int, long>(n);
        for (var i = 0; i + 1 < n; i++)
        {
            Enqueue(queue, ids, i, i + 1);
        }

        while (queue.TryDequeue(out var left, out var priority))
        {
            var right = next[left];
            if (lengths[left] == 0 || right < 0
                || !_merges.TryGetValue(PairKey(ids[left], ids[right]), out var merge) || merge.Rank != (int)(priority >> 32))
            {
                continue;
            }

            ids[left] = merge.Merged;
            lengths[left] += lengths[right];
            lengths[right] = 0;
            next[left] = next[right];
            if (next[left] >= 0)
            {
                previous[next[left]] = left;
                Enqueue(queue, ids, left, next[left]);
            }

            if (previous[left] >= 0)
            {
                Enqueue(queue, ids, previous[left], left);
            }
        }

        var result = new List<int>(2 * n);
        for (var i = 0; i >= 0; i = next[i])
        {
            result.Add(ids[i]);
            result.Add(lengths[i]);
        }

        return result.ToArray();
    }

    private void Enqueue(PriorityQueue<int, long> queue, int[] ids, int left, int right)
    {
        if (_merges.TryGetValue(PairKey(ids[left], ids[right]), out var merge))
        {
            queue.Enqueue(left, ((long)merge.Rank << 32) | (uint)left);
        }
    }

    private static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;
}
