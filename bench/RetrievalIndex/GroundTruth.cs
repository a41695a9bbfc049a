using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using RagPlatform.Retrieval.Vectors;

namespace RagPlatform.Bench.RetrievalIndex;

/// <summary>
/// The exact k nearest base vectors of every query, by brute force: a float scan keeps a margin of candidates, which
/// are then re-ranked by dot products in double precision, so near-ties are ordered independently of float rounding
/// in the engines under test. Stored as "RTRU", int32 queries, int32 k, int32 base count, then the ids.
/// </summary>
internal static class GroundTruth
{
    private const int Margin = 10;
    private const int QueriesPerScan = 32; // one pass over the base serves this many queries while it is in cache

    public static int[] Compute(float[] data, int count, float[] queries, int dimensions, int k)
    {
        var queryCount = queries.Length / dimensions;
        var truth = new int[queryCount * k];
        var scans = (queryCount + QueriesPerScan - 1) / QueriesPerScan;
        Parallel.For(0, scans, scan =>
        {
            var first = scan * QueriesPerScan;
            var tops = Enumerable.Range(first, Math.Min(QueriesPerScan, queryCount - first)).Select(_ => new TopK(k + Margin)).ToArray();
            for (var slot = 0; slot < count; slot++)
            {
                var vector = data.AsSpan(slot * dimensions, dimensions);
                for (var q = 0; q < tops.Length; q++)
                {
                    tops[q].Offer(TensorPrimitives.Dot(queries.AsSpan((first + q) * dimensions, dimensions), vector), slot);
                }
            }

            for (var q = 0; q < tops.Length; q++)
            {
                var query = queries.AsMemory((first + q) * dimensions, dimensions);
                var exact = tops[q].ToDescending()
                    .Select(hit => (hit.Slot, Score: DoubleDot(query.Span, data.AsSpan(hit.Slot * dimensions, dimensions))))
                    .OrderByDescending(hit => hit.Score).ThenBy(hit => hit.Slot)
                    .Take(k)
                    .ToArray();
                for (var i = 0; i < k; i++)
                {
                    truth[((first + q) * k) + i] = exact[i].Slot;
                }
            }
        });

        return truth;
    }

    public static void Write(string path, int[] truth, int k, int baseCount)
    {
        using var file = File.Create(path);
        Span<byte> header = stackalloc byte[16];
        "RTRU"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], truth.Length / k);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], k);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], baseCount);
        file.Write(header);
        file.Write(MemoryMarshal.AsBytes(truth.AsSpan()));
    }

    /// <returns>Per query, the k true neighbours nearest first.</returns>
    public static (int[] Ids, int K) Read(string path, int baseCount)
    {
        var bytes = File.ReadAllBytes(path);
        var queries = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        var k = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (!bytes.AsSpan(0, 4).SequenceEqual("RTRU"u8) || BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)) != baseCount)
        {
            throw new InvalidDataException($"{path} is not the ground truth of {baseCount} base vectors.");
        }

        return (MemoryMarshal.Cast<byte, int>(bytes.AsSpan(16, queries * k * sizeof(int))).ToArray(), k);
    }

    /// <summary>recall@k: the share of the true k nearest found among the first k results, averaged over queries.</summary>
    public static double Recall(int[] truth, int k, IReadOnlyList<int[]> found)
    {
        var hits = 0;
        for (var q = 0; q < found.Count; q++)
        {
            var expected = truth.AsSpan(q * k, k);
            foreach (var id in found[q].Take(k))
            {
                hits += expected.Contains(id) ? 1 : 0;
            }
        }

        return (double)hits / (found.Count * k);
    }

    private static double DoubleDot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
