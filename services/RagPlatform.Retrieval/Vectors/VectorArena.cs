using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;

namespace RagPlatform.Retrieval.Vectors;

/// <summary>
/// Unit vectors of one collection in one contiguous buffer, addressed by slot. Slots are append-only;
/// freed slots stay until the owner compacts, so HNSW node numbers and slots coincide.
/// </summary>
internal sealed class VectorArena
{
    private float[] _data;

    public VectorArena(int dimensions, int capacity = 16)
    {
        Dimensions = dimensions;
        _data = new float[checked(dimensions * Math.Max(capacity, 1))];
    }

    /// <summary>Adopts <paramref name="data"/>, which holds <paramref name="count"/> unit vectors back to back.</summary>
    public VectorArena(int dimensions, float[] data, int count)
    {
        Dimensions = dimensions;
        _data = data;
        Count = count;
    }

    public int Dimensions { get; }

    public int Count { get; private set; }

    public ReadOnlySpan<float> this[int slot] => _data.AsSpan(slot * Dimensions, Dimensions);

    /// <summary>The whole used buffer, slot after slot (for snapshots).</summary>
    public ReadOnlySpan<float> Raw => _data.AsSpan(0, Count * Dimensions);

    /// <summary>Appends an already normalised vector and returns its slot.</summary>
    public int Add(ReadOnlySpan<float> unitVector)
    {
        EnsureCapacity(Count + 1);
        unitVector.CopyTo(_data.AsSpan(Count * Dimensions, Dimensions));
        return Count++;
    }

    public float Similarity(ReadOnlySpan<float> unitQuery, int slot) => TensorPrimitives.Dot(unitQuery, this[slot]);

    public float Similarity(int a, int b) => TensorPrimitives.Dot(this[a], this[b]);

    /// <summary>
    /// Starts loading a slot's vector into the cache without waiting for it. A graph search knows which vectors it will
    /// score next; requesting them all before scoring the first overlaps their memory latency, which otherwise
    /// dominates a search once the vectors outgrow the cache.
    /// </summary>
    public unsafe void Prefetch(int slot)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        fixed (float* start = &_data[slot * Dimensions])
        {
            var bytes = Dimensions * sizeof(float);
            for (var offset = 0; offset < bytes; offset += 64)
            {
                Sse.Prefetch0((byte*)start + offset);
            }
        }
    }

    private void EnsureCapacity(int slots)
    {
        var needed = (long)slots * Dimensions;
        if (needed <= _data.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException(
                $"A collection of {Dimensions}-dimensional vectors holds at most {Array.MaxLength / Dimensions} points in memory.");
        }

        var grown = Math.Min(Math.Max(needed, (long)_data.Length * 2), Array.MaxLength / Dimensions * (long)Dimensions);
        Array.Resize(ref _data, (int)grown);
    }
}
