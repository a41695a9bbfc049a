namespace RagPlatform.OnnxGraph.Quantization;

/// <summary>An int8 weight matrix [rows, columns] with its scales (one, or one per column) and zero points (all 0).</summary>
internal sealed record QuantizedWeight(sbyte[] Values, float[] Scales, int Rows, int Columns);

/// <summary>
/// Symmetric int8 weights as ONNX Runtime's quantize_dynamic makes them (weight_type QInt8): scale = max|w| / 127,
/// zero point 0, values rounded half to even and kept in [-127, 127] so negating one never overflows.
/// </summary>
internal static class WeightQuantizer
{
    private const float Levels = 127f;

    /// <summary><paramref name="weights"/> is row-major [rows, columns] (or [columns, rows] when <paramref name="transposed"/>, as Gemm's transB stores it).</summary>
    public static QuantizedWeight Quantize(float[] weights, int rows, int columns, bool transposed, WeightGranularity granularity, float outputScale)
    {
        float At(int r, int c) => transposed ? weights[(c * rows) + r] : weights[(r * columns) + c];

        var scales = new float[granularity == WeightGranularity.PerChannel ? columns : 1];
        for (var c = 0; c < columns; c++)
        {
            var slot = granularity == WeightGranularity.PerChannel ? c : 0;
            for (var r = 0; r < rows; r++)
            {
                scales[slot] = MathF.Max(scales[slot], MathF.Abs(At(r, c)));
            }
        }

        for (var i = 0; i < scales.Length; i++)
        {
            // An all-zero column quantises to zeros with any scale; 1 keeps the division defined.
            scales[i] = scales[i] > 0 ? scales[i] / Levels : 1f;
        }

        var values = new sbyte[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var scale = scales[granularity == WeightGranularity.PerChannel ? c : 0];
                var q = MathF.Round(At(r, c) / scale, MidpointRounding.ToEven);
                values[(r * columns) + c] = (sbyte)Math.Clamp(q, -Levels, Levels);
            }
        }

        // Gemm's alpha multiplies the product: folding it into the weight's scale keeps the int8 values unchanged.
        for (var i = 0; i < scales.Length; i++)
        {
            scales[i] *= outputScale;
        }

        return new QuantizedWeight(values, scales, rows, columns);
    }
}
