using Microsoft.ML.OnnxRuntime;

namespace RagPlatform.OnnxGraph.Tests.Infrastructure;

/// <summary>Runs models in ONNX Runtime (one intra-op thread: tests share two cores) and reads float outputs back.</summary>
internal static class Ort
{
    public static InferenceSession Open(string path) =>
        new(path, new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });

    /// <summary>
    /// BERT inputs for <paramref name="lengths"/> sequences of random in-vocabulary ids ([CLS] ... [SEP], padded to the
    /// longest), the same for every call with the same seed.
    /// </summary>
    public static (long[] Ids, long[] Mask, long[] Types, long[] Shape) EncoderInputs(int[] lengths, int seed, int vocabulary = 30522)
    {
        var random = new Random(seed);
        var width = lengths.Max();
        var ids = new long[lengths.Length * width];
        var mask = new long[ids.Length];
        for (var b = 0; b < lengths.Length; b++)
        {
            for (var t = 0; t < lengths[b]; t++)
            {
                ids[(b * width) + t] = t == 0 ? 101 : t == lengths[b] - 1 ? 102 : random.Next(1000, vocabulary);
                mask[(b * width) + t] = 1;
            }
        }

        return (ids, mask, new long[ids.Length], [lengths.Length, width]);
    }

    /// <summary>Runs an encoder (input_ids, attention_mask, token_type_ids) and returns its first output and that output's shape.</summary>
    public static (float[] Values, long[] Shape) RunEncoder(InferenceSession session, (long[] Ids, long[] Mask, long[] Types, long[] Shape) inputs)
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(inputs.Ids, inputs.Shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(inputs.Mask, inputs.Shape);
        using var types = OrtValue.CreateTensorValueFromMemory(inputs.Types, inputs.Shape);
        var feeds = new Dictionary<string, OrtValue> { ["input_ids"] = ids, ["attention_mask"] = mask, ["token_type_ids"] = types };
        using var run = new RunOptions();
        using var outputs = session.Run(run, feeds, [session.OutputNames[0]]);
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[0].GetTensorTypeAndShape().Shape);
    }

    /// <summary>Mean over the unmasked positions of [batch, seq, hidden], then L2-normalised: what the embedder service returns.</summary>
    public static float[][] MeanPooled(float[] hidden, long[] shape, long[] mask)
    {
        var (batch, seq, width) = ((int)shape[0], (int)shape[1], (int)shape[2]);
        var pooled = new float[batch][];
        for (var b = 0; b < batch; b++)
        {
            // The mean's direction is the sum's: normalising the sum is the same embedding.
            var sum = new double[width];
            for (var t = 0; t < seq; t++)
            {
                if (mask[(b * seq) + t] == 0)
                {
                    continue;
                }

                for (var h = 0; h < width; h++)
                {
                    sum[h] += hidden[(((b * seq) + t) * width) + h];
                }
            }

            var norm = Math.Sqrt(sum.Sum(v => v * v));
            pooled[b] = [.. sum.Select(v => (float)(v / norm))];
        }

        return pooled;
    }

    public static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
