using System.Numerics.Tensors;
using RagPlatform.Inference.Models;

namespace RagPlatform.Inference.Embeddings;

/// <summary>Sentence vectors from a [batch, sequence, hidden] block of token vectors of right-padded rows.</summary>
internal static class Pooling
{
    /// <summary>Pools the tokens [0, <paramref name="tokenCount"/>) of row <paramref name="row"/> into <paramref name="destination"/>.</summary>
    public static void Pool(ReadOnlySpan<float> hidden, int sequenceLength, int row, int tokenCount, PoolingMode mode, Span<float> destination)
    {
        var width = destination.Length;
        var rowStart = row * sequenceLength * width;
        if (mode == PoolingMode.Cls || tokenCount <= 1)
        {
            hidden.Slice(rowStart, width).CopyTo(destination);
            return;
        }

        // Padding sits to the right of tokenCount, so the mask is a prefix: sum it, then divide by its length.
        hidden.Slice(rowStart, width).CopyTo(destination);
        for (var t = 1; t < tokenCount; t++)
        {
            TensorPrimitives.Add(destination, hidden.Slice(rowStart + (t * width), width), destination);
        }

        TensorPrimitives.Divide(destination, tokenCount, destination);
    }

    /// <summary>Scales to unit L2 length; a zero vector stays zero (the 1e-12 floor of torch's normalize).</summary>
    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        TensorPrimitives.Divide(vector, MathF.Max(norm, 1e-12f), vector);
    }
}
