using System.Numerics.Tensors;

namespace RagPlatform.Retrieval.Vectors;

internal static class VectorMath
{
    /// <summary>
    /// Writes the unit-length copy of <paramref name="source"/>: with unit vectors cosine similarity is a dot product.
    /// Norms are taken in double so that already-normalised vectors come back unchanged to the last bit as often as possible.
    /// </summary>
    public static void Normalize(ReadOnlySpan<float> source, Span<float> destination)
    {
        double sum = 0;
        foreach (var x in source)
        {
            sum += (double)x * x;
        }

        var inverse = (float)(1.0 / Math.Sqrt(sum));
        TensorPrimitives.Multiply(source, inverse, destination);
    }

    public static float[] Normalized(ReadOnlySpan<float> source)
    {
        var result = new float[source.Length];
        Normalize(source, result);
        return result;
    }
}
