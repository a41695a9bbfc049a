using System.Text;
using RagPlatform.Retrieval.Lexical;

namespace RagPlatform.Retrieval.Qdrant;

/// <summary>
/// Lexical search in Qdrant as a sparse vector with the "idf" modifier: indices are 32-bit FNV-1a hashes of the
/// analysed terms, document values the BM25 term-frequency factor, query values 1. Qdrant multiplies in
/// idf = ln(1 + (N - n + 0.5) / (n + 0.5)), so a score is BM25 with an assumed average document length.
/// </summary>
internal sealed class SparseTermEncoder(TextAnalyzer analyzer, Bm25Parameters bm25, double averageLength)
{
    public (uint[] Indices, float[] Values) Document(string text)
    {
        var terms = analyzer.Analyze(text);
        var norm = bm25.K1 * (1 - bm25.B + (bm25.B * terms.Count / averageLength));
        var frequencies = new SortedDictionary<uint, int>();
        foreach (var term in terms)
        {
            var index = Hash(term);
            frequencies[index] = frequencies.GetValueOrDefault(index) + 1; // a hash collision merges two terms
        }

        return ([.. frequencies.Keys], [.. frequencies.Values.Select(tf => (float)(tf * (bm25.K1 + 1) / (tf + norm)))]);
    }

    public (uint[] Indices, float[] Values) Query(string text)
    {
        var indices = analyzer.Analyze(text).Select(Hash).Distinct().Order().ToArray();
        return (indices, [.. indices.Select(_ => 1f)]);
    }

    internal static uint Hash(string term)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(term))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
