using Microsoft.ML.OnnxRuntime.Tensors;
using RagPlatform.Inference.Models;
using RagPlatform.Inference.Runtime;

namespace RagPlatform.Inference.Generation;

/// <summary>One layer's cache: the input it is fed as and the output it comes back as.</summary>
internal sealed record CacheLayer(string PastKey, string PastValue, string PresentKey, string PresentValue);

/// <summary>
/// The I/O of a decoder graph with a KV cache, read from the model rather than assumed (Optimum names:
/// input_ids, attention_mask, position_ids, past_key_values.{i}.key/.value -> logits, present.{i}.key/.value).
/// The logits may cover every fed position or only the last one ([batch, 1, vocabulary]): an export that computes the
/// LM head for the sampled position only.
/// </summary>
internal sealed class DecoderSignature
{
    private DecoderSignature(bool hasPositionIds, CacheLayer[] layers, TensorElementType cacheType, long cacheHeads, long headDimension,
        TensorElementType logitsType, bool lastPositionLogits)
    {
        LastPositionLogits = lastPositionLogits;
        HasPositionIds = hasPositionIds;
        Layers = layers;
        CacheType = cacheType;
        CacheHeads = cacheHeads;
        HeadDimension = headDimension;
        LogitsType = logitsType;
        InputNames = ["input_ids", "attention_mask", .. hasPositionIds ? ["position_ids"] : Array.Empty<string>(),
            .. layers.SelectMany(l => new[] { l.PastKey, l.PastValue })];
        OutputNames = ["logits", .. layers.SelectMany(l => new[] { l.PresentKey, l.PresentValue })];
    }

    public bool HasPositionIds { get; }

    public IReadOnlyList<CacheLayer> Layers { get; }

    /// <summary>Float or Float16, as the model declares its past_key_values inputs.</summary>
    public TensorElementType CacheType { get; }

    public long CacheHeads { get; }

    public long HeadDimension { get; }

    public TensorElementType LogitsType { get; }

    /// <summary>input_ids, attention_mask, position_ids when the model takes it, then every past_key_values.* in layer order.</summary>
    public string[] InputNames { get; }

    /// <summary>The logits are declared [batch, 1, vocabulary]: the LM head runs on the last fed position only.</summary>
    public bool LastPositionLogits { get; }

    /// <summary>logits, then every present.* in layer order.</summary>
    public string[] OutputNames { get; }

    public static DecoderSignature Of(OnnxSession session, ModelConfig config)
    {
        var inputs = session.Inputs;
        var outputs = session.Outputs;
        string Describe() => $"'{session.ModelPath}' (inputs: {string.Join(", ", inputs.Keys)}; outputs: {string.Join(", ", outputs.Keys)})";

        foreach (var name in new[] { "input_ids", "attention_mask" })
        {
            if (!inputs.TryGetValue(name, out var input) || input.ElementDataType != TensorElementType.Int64)
            {
                throw new NotSupportedException($"A decoder needs an int64 '{name}' input; {Describe()} has none.");
            }
        }

        if (!outputs.TryGetValue("logits", out var logits) || logits.ElementDataType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw new NotSupportedException($"A decoder needs a float or float16 'logits' output; {Describe()} has none.");
        }

        var layers = new List<CacheLayer>();
        while (inputs.ContainsKey($"past_key_values.{layers.Count}.key"))
        {
            var i = layers.Count;
            var layer = new CacheLayer($"past_key_values.{i}.key", $"past_key_values.{i}.value", $"present.{i}.key", $"present.{i}.value");
            foreach (var name in new[] { layer.PastValue, layer.PresentKey, layer.PresentValue })
            {
                if (!inputs.ContainsKey(name) && !outputs.ContainsKey(name))
                {
                    throw new NotSupportedException($"Layer {i} of the KV cache lacks '{name}' in {Describe()}.");
                }
            }

            layers.Add(layer);
        }

        if (layers.Count == 0)
        {
            throw new NotSupportedException($"{Describe()} has no past_key_values.* inputs: a decoder exported with its KV cache is required.");
        }

        var known = new HashSet<string>(["input_ids", "attention_mask", "position_ids", .. layers.SelectMany(l => new[] { l.PastKey, l.PastValue })]);
        var unknown = inputs.Keys.Where(name => !known.Contains(name)).ToArray();
        if (unknown.Length > 0)
        {
            throw new NotSupportedException($"{Describe()} takes inputs this pipeline does not feed: {string.Join(", ", unknown)}.");
        }

        var past = inputs[layers[0].PastKey];
        if (past.ElementDataType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw new NotSupportedException($"The KV cache of '{session.ModelPath}' is {past.ElementDataType}; float and float16 are supported.");
        }

        if (layers.Any(l => inputs[l.PastKey].ElementDataType != past.ElementDataType || inputs[l.PastValue].ElementDataType != past.ElementDataType))
        {
            throw new NotSupportedException($"The KV cache inputs of '{session.ModelPath}' mix element types.");
        }

        // [batch, kv_heads, past_sequence_length, head_dim]: trust concrete dimensions, else the config.
        var heads = past.Dimensions.Length == 4 && past.Dimensions[1] > 0 ? past.Dimensions[1] : config.KeyValueHeads;
        var headDimension = past.Dimensions.Length == 4 && past.Dimensions[3] > 0 ? past.Dimensions[3] : config.HeadDimension;
        if (heads <= 0 || headDimension <= 0)
        {
            throw new NotSupportedException($"Neither '{session.ModelPath}' nor config.json gives the KV cache's heads and head size.");
        }

        var lastPosition = logits.Dimensions.Length == 3 && logits.Dimensions[1] == 1;
        return new DecoderSignature(inputs.ContainsKey("position_ids"), layers.ToArray(), past.ElementDataType, heads, headDimension, logits.ElementDataType, lastPosition);
    }
}
