using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RagPlatform.OnnxGraph.Tests.Infrastructure;

/// <summary>
/// One sequence through a KV-cache decoder in ONNX Runtime: each <see cref="Feed"/> passes the new ids after those
/// already cached and returns the logits the graph gives ([1, n or 1, vocabulary]).
/// </summary>
internal sealed class OrtDecoder(InferenceSession session) : IDisposable
{
    private readonly List<long> _ids = [];
    private readonly Dictionary<string, OrtValue> _past = [];

    public (float[] Logits, long[] Shape) Feed(params long[] ids)
    {
        var start = _ids.Count;
        _ids.AddRange(ids);
        var created = new List<OrtValue>
        {
            OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]),
            OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, _ids.Count).ToArray(), [1, _ids.Count]),
            OrtValue.CreateTensorValueFromMemory(Enumerable.Range(start, ids.Length).Select(i => (long)i).ToArray(), [1, ids.Length]),
        };
        try
        {
            var feeds = new Dictionary<string, OrtValue> { ["input_ids"] = created[0], ["attention_mask"] = created[1], ["position_ids"] = created[2] };
            foreach (var name in session.InputNames.Where(n => n.StartsWith("past_key_values.", StringComparison.Ordinal)))
            {
                if (!_past.TryGetValue(name, out var past))
                {
                    var dims = session.InputMetadata[name].Dimensions;
                    past = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, dims[1], 0, dims[3]]);
                    created.Add(past);
                }

                feeds[name] = past;
            }

            using var run = new RunOptions();
            using var outputs = session.Run(run, feeds, session.OutputNames);
            DisposePast();
            for (var i = 0; i < session.OutputNames.Count; i++)
            {
                var name = session.OutputNames[i];
                if (name.StartsWith("present.", StringComparison.Ordinal))
                {
                    var shape = outputs[i].GetTensorTypeAndShape().Shape;
                    _past["past_key_values." + name["present.".Length..]] = OrtValue.CreateTensorValueFromMemory(outputs[i].GetTensorDataAsSpan<float>().ToArray(), shape);
                }
            }

            var logits = outputs[session.OutputNames.ToList().IndexOf("logits")];
            return (logits.GetTensorDataAsSpan<float>().ToArray(), logits.GetTensorTypeAndShape().Shape);
        }
        finally
        {
            foreach (var value in created.Where(v => !_past.ContainsValue(v)))
            {
                value.Dispose();
            }
        }
    }

    /// <summary>The last position's row of logits returned by <see cref="Feed"/>.</summary>
    public static float[] LastRow((float[] Logits, long[] Shape) output)
    {
        var vocabulary = (int)output.Shape[^1];
        return output.Logits[^vocabulary..];
    }

    public void Dispose() => DisposePast();

    private void DisposePast()
    {
        foreach (var value in _past.Values)
        {
            value.Dispose();
        }

        _past.Clear();
    }
}
