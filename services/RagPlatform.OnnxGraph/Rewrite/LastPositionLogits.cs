using RagPlatform.OnnxGraph.Model;
using RagPlatform.OnnxGraph.Protobuf;

namespace RagPlatform.OnnxGraph.Rewrite;

/// <summary>What <see cref="LastPositionLogits.Apply"/> did.</summary>
/// <param name="Changed">False when the graph already returned one position's logits.</param>
/// <param name="HiddenState">The tensor now sliced to its last position before the LM head.</param>
/// <param name="Head">The LM head's MatMul (or the DynamicQuantizeLinear of a quantised head).</param>
public sealed record LogitsRewriteReport(bool Changed, string HiddenState, string Head, int HeadNodes);

/// <summary>
/// Makes a decoder compute its LM head for the last position only. A prompt's prefill needs the next token's logits,
/// not one [vocabulary] row per prompt position: on Qwen2.5-0.5B the head is a 896 x 151,936 product, a quarter of a
/// 1,000-token prefill's arithmetic and a 600 MB output. Optimum / onnx-community exports end in
/// <c>hidden [batch, seq, hidden] → MatMul(W) → logits [batch, seq, vocab]</c> (quantised: DynamicQuantizeLinear →
/// MatMulInteger → Cast → Mul); this inserts <c>Slice(hidden, starts=-1, axes=1)</c> before the head, so logits become
/// [batch, 1, vocab]. It proves first that everything between the hidden state and the logits is position-wise (a
/// MatMul with a constant 2-D weight, element-wise ops with constants that do not vary along the sequence), else it
/// refuses naming the node. A quantised head's activation scale is then taken over the last position alone.
/// </summary>
internal static class LastPositionLogits
{
    public const string MetadataKey = "rag_logits";
    public const string LogitsName = "logits";

    private static readonly HashSet<string> ElementWise = new(StringComparer.Ordinal)
    {
        "Cast", "Mul", "Add", "Sub", "Div", "Tanh", "Identity", "MatMulInteger", "Relu", "Sigmoid", "Softplus", "Clip",
    };

    public static LogitsRewriteReport Apply(ModelProto model)
    {
        var graph = model.Graph;
        var output = graph.Output.FirstOrDefault(o => o.Name == LogitsName)
            ?? throw new OnnxGraphException($"The graph has no '{LogitsName}' output (outputs: {string.Join(", ", graph.Output.Select(o => o.Name))}); it is not a causal LM export.");
        var dims = output.Type?.TensorType?.Shape?.Dim;
        if (dims is { Count: not 3 } && dims.Count > 0)
        {
            throw new OnnxGraphException($"'{LogitsName}' has {dims.Count} dimensions; a decoder's are [batch, sequence, vocabulary].");
        }

        if (dims is { Count: 3 } && dims[1].ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && dims[1].DimValue == 1)
        {
            return new LogitsRewriteReport(false, "", "", 0);
        }

        var index = new GraphIndex(graph);
        var (head, hidden, region) = FindHead(index);
        var opset = model.OpsetImport.FirstOrDefault(o => !o.HasDomain || o.Domain is "" or "ai.onnx");
        if (opset is null || opset.Version < 10)
        {
            throw new OnnxGraphException("Slice with tensor inputs needs ONNX opset 10 or later; this model imports an older one.");
        }

        var starts = index.Reserve("rag_last_position_starts");
        var ends = index.Reserve("rag_last_position_ends");
        var axes = index.Reserve("rag_last_position_axes");
        graph.Initializer.Add(TensorData.Create<long>(starts, DataType.Int64, [1], [-1L]));
        graph.Initializer.Add(TensorData.Create<long>(ends, DataType.Int64, [1], [long.MaxValue]));
        graph.Initializer.Add(TensorData.Create<long>(axes, DataType.Int64, [1], [1L]));
        var last = index.Reserve(hidden + "_last_position");
        var slice = NodeAttributes.Node("Slice", index.Reserve("/rag/last_position/Slice"), [hidden, starts, ends, axes], [last]);

        var first = graph.Node.IndexOf(graph.Node.First(n => region.Contains(n) && n.Input.Contains(hidden)));
        foreach (var node in region)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == hidden)
                {
                    node.Input[i] = last;
                }
            }
        }

        graph.Node.Insert(first, slice);
        // Shapes recorded for the head's tensors said "sequence"; they are 1 now, and ONNX Runtime infers them again.
        var changed = region.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        foreach (var info in graph.ValueInfo.Where(v => changed.Contains(v.Name)).ToList())
        {
            graph.ValueInfo.Remove(info);
        }

        if (dims is { Count: 3 })
        {
            dims[1] = new TensorShapeProto.Types.Dimension { DimValue = 1 };
        }

        ModelMetadata.Set(model, MetadataKey, "last position only: [batch, 1, vocabulary]");
        return new LogitsRewriteReport(true, hidden, head.Name, region.Count);
    }

    /// <summary>Walks back from the logits through position-wise nodes to the head; returns it, its hidden-state input and the nodes between.</summary>
    private static (NodeProto Head, string Hidden, HashSet<NodeProto> Region) FindHead(GraphIndex index)
    {
        var region = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var heads = new List<(NodeProto Node, string Hidden)>();
        var pending = new Stack<NodeProto>();
        pending.Push(index.Producer(LogitsName) ?? throw new OnnxGraphException($"No node produces '{LogitsName}'."));
        while (pending.TryPop(out var node))
        {
            if (!region.Add(node))
            {
                continue;
            }

            if (IsHeadMatMul(node, index))
            {
                heads.Add((node, node.Input[0]));
                continue;
            }

            if (node.OpType == "DynamicQuantizeLinear")
            {
                heads.Add((node, node.Input[0]));
                continue;
            }

            if (!ElementWise.Contains(node.OpType) || node.Domain is not ("" or "ai.onnx"))
            {
                throw Unsupported(node, "only a MatMul head followed by element-wise operators can be sliced");
            }

            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (index.IsConstant(input))
                {
                    if (!SameForEveryPosition(input, index))
                    {
                        throw Unsupported(node, $"its constant '{input}' varies along the sequence axis");
                    }
                }
                else
                {
                    pending.Push(index.Producer(input) ?? throw Unsupported(node, $"it reads the graph input '{input}'"));
                }
            }
        }

        var hidden = heads.Select(h => h.Hidden).Distinct(StringComparer.Ordinal).ToList();
        return hidden.Count == 1
            ? (heads[0].Node, hidden[0], region)
            : throw new OnnxGraphException(
                $"Expected one hidden state feeding the LM head, found {hidden.Count} ({string.Join(", ", hidden)}): the graph is not a single-head causal LM export.");
    }

    private static bool IsHeadMatMul(NodeProto node, GraphIndex index) =>
        node.OpType == "MatMul" && node.Domain is ("" or "ai.onnx") && node.Input.Count == 2 && !index.IsConstant(node.Input[0])
        && index.ConstantInitializer(node.Input[1]) is { Dims.Count: 2 };

    /// <summary>A constant broadcast against [batch, seq, ...] is the same at every position when it has no sequence axis of its own.</summary>
    private static bool SameForEveryPosition(string tensor, GraphIndex index)
    {
        // A Constant node's value_float / value_ints / ... forms are scalars or 1-D.
        var dims = index.ConstantInitializer(tensor)?.Dims ?? index.Producer(tensor)!.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.Dims;
        return dims is null || dims.Count < 2 || dims[^2] == 1;
    }

    private static OnnxGraphException Unsupported(NodeProto node, string why) =>
        new($"Cannot compute the logits for the last position only: node '{node.Name}' ({node.OpType}) lies between the hidden state and the logits, and {why}.");
}
