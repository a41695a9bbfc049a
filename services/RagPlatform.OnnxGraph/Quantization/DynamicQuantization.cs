using RagPlatform.OnnxGraph.Model;
using RagPlatform.OnnxGraph.Protobuf;

namespace RagPlatform.OnnxGraph.Quantization;

/// <summary>What <see cref="DynamicQuantization.Apply"/> did.</summary>
/// <param name="Quantized">MatMul/Gemm nodes now running in int8.</param>
/// <param name="KeptFloat">Nodes with a constant weight left float32, each with the reason.</param>
public sealed record QuantizationReport(int Quantized, IReadOnlyList<string> KeptFloat, long FloatWeightBytes, long Int8WeightBytes);

/// <summary>
/// Dynamic int8 quantisation, the pattern ONNX Runtime's quantize_dynamic emits and fuses at load time into
/// DynamicQuantizeMatMul: every MatMul (or Gemm) with a constant float32 weight becomes
/// <c>DynamicQuantizeLinear(A) → MatMulInteger(A_u8, W_s8, A_zero, W_zero) → Cast(float) → Mul(A_scale · W_scale)</c>
/// (+ Add(C) for a Gemm's bias). Weights are quantised once here; activations at run time, per tensor, uint8. One
/// DynamicQuantizeLinear serves every MatMul reading the same activation (Q, K and V share one). Everything else —
/// embeddings, LayerNorm, Softmax, GELU, the attention score products (no constant side) — stays float32.
/// </summary>
internal static class DynamicQuantization
{
    public const string MetadataKey = "rag_quantization";

    /// <summary>Operators that mean a model is quantised already (or holds quantised parts we must not touch).</summary>
    private static readonly HashSet<string> QuantizedOps = new(StringComparer.Ordinal)
    {
        "DynamicQuantizeLinear", "MatMulInteger", "QuantizeLinear", "DequantizeLinear", "QLinearMatMul", "QLinearConv",
        "ConvInteger", "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "MatMulNBits", "QAttention", "QGemm",
    };

    public static QuantizationReport Apply(ModelProto model, QuantizationOptions options)
    {
        options.Validate();
        var graph = model.Graph;
        CheckOpset(model);
        if (graph.Node.FirstOrDefault(n => QuantizedOps.Contains(n.OpType)) is { } quantized)
        {
            throw new OnnxGraphException($"The model is quantised already (node '{quantized.Name}' is {quantized.OpType}); quantise its float32 original instead.");
        }

        var index = new GraphIndex(graph);
        var plans = graph.Node.Select(node => (node, plan: Plan(node, index, options))).ToList();
        var kept = plans.Where(p => p.plan is { Reason: not null }).Select(p => $"{p.node.Name} ({p.node.OpType}): {p.plan!.Reason}").ToList();
        var todo = plans.Count(p => p.plan is { Reason: null });
        if (todo == 0)
        {
            throw new OnnxGraphException(
                "Nothing to quantise: the graph has no MatMul or Gemm with a constant float32 weight of at least " +
                $"{options.MinimumWeightDimension}x{options.MinimumWeightDimension}" + (kept.Count > 0 ? $" (kept: {string.Join("; ", kept)})" : "") + ".");
        }

        var activations = new Dictionary<string, (string Values, string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        var weights = new Dictionary<(string, bool), (string Values, string Scale, string ZeroPoint)>();
        var nodes = new List<NodeProto>(graph.Node.Count + (4 * todo));
        long floatBytes = 0, int8Bytes = 0;
        foreach (var (node, plan) in plans)
        {
            if (plan is not { Reason: null })
            {
                nodes.Add(node);
                continue;
            }

            var activation = node.Input[0];
            if (!activations.TryGetValue(activation, out var a))
            {
                a = (index.Reserve(activation + "_quantized"), index.Reserve(activation + "_scale"), index.Reserve(activation + "_zero_point"));
                nodes.Add(NodeAttributes.Node("DynamicQuantizeLinear", index.Reserve(activation + "_DynamicQuantizeLinear"), [activation], [a.Values, a.Scale, a.ZeroPoint]));
                activations[activation] = a;
            }

            var weightName = node.Input[1];
            if (!weights.TryGetValue((weightName, plan.Transposed), out var w))
            {
                var source = index.Initializers[weightName];
                var q = WeightQuantizer.Quantize(TensorData.ReadFloats(source), plan.Rows, plan.Columns, plan.Transposed, options.Granularity, plan.Alpha);
                var stem = weightName + (plan.Transposed ? "_transposed" : "");
                w = (index.Reserve(stem + "_quantized"), index.Reserve(stem + "_scale"), index.Reserve(stem + "_zero_point"));
                long[] scaleDims = q.Scales.Length == 1 ? [] : [q.Columns];
                graph.Initializer.Add(TensorData.Create<sbyte>(w.Values, DataType.Int8, [q.Rows, q.Columns], q.Values));
                graph.Initializer.Add(TensorData.Create<float>(w.Scale, DataType.Float, scaleDims, q.Scales));
                graph.Initializer.Add(TensorData.Create<sbyte>(w.ZeroPoint, DataType.Int8, scaleDims, new sbyte[q.Scales.Length]));
                weights[(weightName, plan.Transposed)] = w;
                floatBytes += source.RawData.Length + (source.FloatData.Count * sizeof(float));
                int8Bytes += q.Values.Length + (q.Scales.Length * (sizeof(float) + 1));
            }

            var output = node.Output[0];
            var stemName = node.Name.Length > 0 ? node.Name : output;
            var integer = index.Reserve(output + "_int32");
            var asFloat = index.Reserve(output + "_int32_float");
            var scale = index.Reserve(output + "_scale");
            var product = plan.Bias is null ? output : index.Reserve(output + "_without_bias");
            nodes.Add(NodeAttributes.Node("MatMulInteger", index.Reserve(stemName + "_MatMulInteger"), [a.Values, w.Values, a.ZeroPoint, w.ZeroPoint], [integer]));
            nodes.Add(NodeAttributes.Node("Cast", index.Reserve(stemName + "_Cast"), [integer], [asFloat]).WithInt("to", DataType.Float));
            nodes.Add(NodeAttributes.Node("Mul", index.Reserve(stemName + "_ScaleMul"), [a.Scale, w.Scale], [scale]));
            nodes.Add(NodeAttributes.Node("Mul", index.Reserve(stemName + "_OutputMul"), [asFloat, scale], [product]));
            if (plan.Bias is { } bias)
            {
                nodes.Add(NodeAttributes.Node("Add", index.Reserve(stemName + "_BiasAdd"), [product, bias], [output]));
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        // The float32 originals go unless something else (an unquantised node, a subgraph, an output) still reads them.
        var unused = weights.Keys.Select(k => k.Item1).Distinct().Where(name => !index.IsUsed(name)).ToHashSet(StringComparer.Ordinal);
        var remaining = graph.Initializer.Where(t => !unused.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(remaining);
        foreach (var input in graph.Input.Where(i => unused.Contains(i.Name)).ToList())
        {
            graph.Input.Remove(input);
        }

        ModelMetadata.Set(model, MetadataKey, $"dynamic int8: {todo} MatMul/Gemm, weights int8 symmetric {(options.Granularity == WeightGranularity.PerChannel ? "per output channel" : "per tensor")}, activations uint8 per tensor at run time");
        return new QuantizationReport(todo, kept, floatBytes, int8Bytes);
    }

    private static void CheckOpset(ModelProto model)
    {
        var opset = model.OpsetImport.FirstOrDefault(o => !o.HasDomain || o.Domain is "" or "ai.onnx");
        if (opset is null || opset.Version < 11)
        {
            throw new OnnxGraphException(
                $"The model imports ONNX opset {opset?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}; DynamicQuantizeLinear needs 11 or later. Re-export it with a newer opset.");
        }
    }

    /// <summary>Null for a node that is no candidate; a plan with a Reason for a candidate kept float32.</summary>
    private static NodePlan? Plan(NodeProto node, GraphIndex index, QuantizationOptions options)
    {
        if (node.OpType is not ("MatMul" or "Gemm") || node.Domain is not ("" or "ai.onnx") || node.Input.Count < 2)
        {
            return null;
        }

        if (index.ConstantInitializer(node.Input[1]) is not { } weight || index.IsConstant(node.Input[0]))
        {
            return null;
        }

        if (weight.DataType != DataType.Float)
        {
            return NodePlan.Keep($"weight '{weight.Name}' is ONNX data type {weight.DataType}; only float32 weights are quantised");
        }

        if (weight.Dims.Count != 2)
        {
            return NodePlan.Keep($"weight '{weight.Name}' has {weight.Dims.Count} dimensions, not 2");
        }

        var transposed = node.OpType == "Gemm" && node.Int("transB", 0) != 0;
        var (rows, columns) = transposed ? (weight.Dims[1], weight.Dims[0]) : (weight.Dims[0], weight.Dims[1]);
        if (Math.Min(rows, columns) < options.MinimumWeightDimension)
        {
            return NodePlan.Keep($"weight [{rows}, {columns}] is below the {options.MinimumWeightDimension}-wide minimum");
        }

        string? bias = null;
        var alpha = 1f;
        if (node.OpType == "Gemm")
        {
            if (node.Int("transA", 0) != 0)
            {
                return NodePlan.Keep("Gemm with transA is left as it is");
            }

            alpha = node.Float("alpha", 1f);
            bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
            if (bias is not null && node.Float("beta", 1f) != 1f)
            {
                return NodePlan.Keep("Gemm with a bias scaled by beta != 1 is left as it is");
            }
        }

        return new NodePlan(null, checked((int)rows), checked((int)columns), transposed, alpha, bias);
    }

    private sealed record NodePlan(string? Reason, int Rows, int Columns, bool Transposed, float Alpha, string? Bias)
    {
        public static NodePlan Keep(string reason) => new(reason, 0, 0, false, 1f, null);
    }
}
