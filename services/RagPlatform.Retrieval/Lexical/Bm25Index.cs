using System.Buffers;
using RagPlatform.Retrieval.Vectors;

namespace RagPlatform.Retrieval.Lexical;

/// <param name="K1">Term-frequency saturation.</param>
/// <param name="B">Document-length normalisation (0 = none, 1 = full).</param>
public sealed record Bm25Parameters(double K1 = 1.2, double B = 0.75)
{
    internal void Validate()
    {
        if (!(K1 >= 0 && double.IsFinite(K1)) || !(B is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Bm25Parameters), this, "BM25 needs K1 >= 0 and 0 <= B <= 1.");
        }
    }
}

/// <summary>
/// An in-memory inverted index scored with Okapi BM25: idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)) and
/// tf·(k1 + 1) / (tf + k1·(1 - b + b·|d| / avgdl)), summed over the distinct query terms.
/// Documents are addressed by slot; a removed slot keeps its postings (skipped) until the owner compacts.
/// Not thread-safe for writes; concurrent searches are safe while no write runs.
/// </summary>
internal sealed class Bm25Index(Bm25Parameters parameters)
{
    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly List<PostingList> _postings = [];
    private int[] _lengths = [.. Enumerable.Repeat(-1, 16)]; // -1 marks a removed or never used slot
    private int _slotCount;
    private long _liveTermCount;

    public int LiveDocuments { get; private set; }

    public void Add(int slot, IReadOnlyList<string> terms)
    {
        EnsureSlots(slot + 1);
        var frequencies = CountTerms(terms);
        foreach (var (term, frequency) in frequencies)
        {
            if (!_termIds.TryGetValue(term, out var termId))
            {
                termId = _postings.Count;
                _termIds.Add(term, termId);
                _postings.Add(new PostingList());
            }

            _postings[termId].Append(slot, frequency);
        }

        _lengths[slot] = terms.Count;
        _liveTermCount += terms.Count;
        LiveDocuments++;
    }

    /// <summary>Forgets a slot; <paramref name="terms"/> must be the terms it was added with.</summary>
    public void Remove(int slot, IReadOnlyList<string> terms)
    {
        if (slot >= _slotCount || _lengths[slot] < 0)
        {
            return;
        }

        foreach (var term in CountTerms(terms).Keys)
        {
            _postings[_termIds[term]].LiveDocumentFrequency--;
        }

        _liveTermCount -= _lengths[slot];
        _lengths[slot] = -1;
        LiveDocuments--;
    }

    /// <summary>The best-scoring live slots sharing a term with the query, at most <paramref name="limit"/>.</summary>
    public List<(int Slot, float Score)> Search(IReadOnlyList<string> queryTerms, int limit, Func<int, bool>? accept)
    {
        if (LiveDocuments == 0)
        {
            return [];
        }

        var averageLength = Math.Max(1.0, (double)_liveTermCount / LiveDocuments);
        var scores = ArrayPool<float>.Shared.Rent(_slotCount);
        scores.AsSpan(0, _slotCount).Clear();
        var touched = new List<int>();
        try
        {
            foreach (var term in queryTerms.Distinct(StringComparer.Ordinal))
            {
                if (!_termIds.TryGetValue(term, out var termId))
                {
                    continue;
                }

                var postings = _postings[termId];
                if (postings.LiveDocumentFrequency <= 0)
                {
                    continue;
                }

                var idf = InverseDocumentFrequency(LiveDocuments, postings.LiveDocumentFrequency);
                for (var i = 0; i < postings.Count; i++)
                {
                    var slot = postings.Slots[i];
                    var length = _lengths[slot];
                    if (length < 0)
                    {
                        continue;
                    }

                    var weight = (float)(idf * TermWeight(postings.Frequencies[i], length, averageLength));
                    if (scores[slot] == 0f)
                    {
                        touched.Add(slot);
                    }

                    scores[slot] += weight;
                }
            }

            var top = new TopK(limit);
            foreach (var slot in touched)
            {
                if (accept is null || accept(slot))
                {
                    top.Offer(scores[slot], slot);
                }
            }

            return top.ToDescending();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    internal static double InverseDocumentFrequency(long documents, long documentFrequency) =>
        Math.Log(1.0 + ((documents - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    private double TermWeight(int frequency, int length, double averageLength) =>
        frequency * (parameters.K1 + 1) / (frequency + (parameters.K1 * (1 - parameters.B + (parameters.B * length / averageLength))));

    internal static Dictionary<string, int> CountTerms(IReadOnlyList<string> terms)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in terms)
        {
            counts[term] = counts.GetValueOrDefault(term) + 1;
        }

        return counts;
    }

    private void EnsureSlots(int count)
    {
        if (count > _lengths.Length)
        {
            var old = _lengths.Length;
            Array.Resize(ref _lengths, Math.Max(count, old * 2));
            _lengths.AsSpan(old).Fill(-1);
        }

        _slotCount = Math.Max(_slotCount, count);
    }

    private sealed class PostingList
    {
        public int[] Slots = new int[4];
        public int[] Frequencies = new int[4];
        public int Count;
        public int LiveDocumentFrequency;

        public void Append(int slot, int frequency)
        {
            if (Count == Slots.Length)
            {
                Array.Resize(ref Slots, Count * 2);
                Array.Resize(ref Frequencies, Count * 2);
            }

            Slots[Count] = slot;
            Frequencies[Count] = frequency;
            Count++;
            LiveDocumentFrequency++;
        }
    }
}
