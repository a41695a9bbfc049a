using RagPlatform.OnnxGraph.Protobuf;

namespace RagPlatform.OnnxGraph.Model;

/// <summary>
/// Who produces and who consumes each tensor of a graph, which tensors are constant, and fresh names that collide
/// with nothing. Built once before a rewrite; the rewrite keeps it in step through <see cref="Reserve"/>.
/// </summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _graphInputs;
    private readonly HashSet<string> _usedBySubgraphs = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        Initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _graphInputs = graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        _names.UnionWith(_graphInputs);
        _names.UnionWith(Initializers.Keys);
        foreach (var node in graph.Node)
        {
            _names.Add(node.Name);
            foreach (var output in node.Output)
            {
                _producers[output] = node;
                _names.Add(output);
            }

            foreach (var attribute in node.Attribute)
            {
                foreach (var subgraph in attribute.Graphs.Append(attribute.G).OfType<GraphProto>())
                {
                    CollectSubgraphNames(subgraph);
                }
            }
        }
    }

    public GraphProto Graph { get; }

    public IReadOnlyDictionary<string, TensorProto> Initializers { get; }

    public NodeProto? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    /// <summary>An initializer that is not also a graph input (which a caller could override at run time).</summary>
    public TensorProto? ConstantInitializer(string tensor) =>
        Initializers.TryGetValue(tensor, out var t) && !_graphInputs.Contains(tensor) ? t : null;

    /// <summary>A value fixed when the model is built: a constant initializer or the output of a Constant node.</summary>
    public bool IsConstant(string tensor) =>
        ConstantInitializer(tensor) is not null || Producer(tensor) is { OpType: "Constant" };

    /// <summary>Whether anything still reads <paramref name="tensor"/>: a node, a graph output or a subgraph.</summary>
    public bool IsUsed(string tensor) =>
        Graph.Node.Any(n => n.Input.Contains(tensor)) || Graph.Output.Any(o => o.Name == tensor) || _usedBySubgraphs.Contains(tensor);

    /// <summary>A name derived from <paramref name="stem"/> that no tensor or node has; reserved from now on.</summary>
    public string Reserve(string stem)
    {
        var name = stem;
        for (var i = 1; !_names.Add(name); i++)
        {
            name = $"{stem}_{i}";
        }

        return name;
    }

    private void CollectSubgraphNames(GraphProto subgraph)
    {
        foreach (var node in subgraph.Node)
        {
            _usedBySubgraphs.UnionWith(node.Input);
            _names.UnionWith(node.Output);
            foreach (var attribute in node.Attribute)
            {
                foreach (var nested in attribute.Graphs.Append(attribute.G).OfType<GraphProto>())
                {
                    CollectSubgraphNames(nested);
                }
            }
        }
    }
}

/// <summary>Attribute reads and writes on NodeProto.</summary>
internal static class NodeAttributes
{
    public static long Int(this NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    public static float Float(this NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    public static NodeProto WithInt(this NodeProto node, string name, long value)
    {
        node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
        return node;
    }

    public static NodeProto Node(string opType, string name, IEnumerable<string> inputs, IEnumerable<string> outputs)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }
}
