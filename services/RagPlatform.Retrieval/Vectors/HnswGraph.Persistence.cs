namespace RagPlatform.Retrieval.Vectors;

internal sealed partial class HnswGraph
{
    /// <summary>Writes the links of every node. The vectors are the arena's business.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(NodeCount);
        writer.Write(_entryPoint);
        writer.Write(_topLevel);
        for (var node = 0; node < NodeCount; node++)
        {
            int level = _levels[node];
            writer.Write((byte)level);
            for (var l = 0; l <= level; l++)
            {
                var links = LinksOf(node, l);
                writer.Write(links[0]);
                for (var i = 1; i <= links[0]; i++)
                {
                    writer.Write(links[i]);
                }
            }
        }
    }

    /// <summary>Reads a graph written by <see cref="WriteTo"/> over the same arena and parameters.</summary>
    /// <exception cref="InvalidDataException">The data does not describe a consistent graph.</exception>
    public static HnswGraph ReadFrom(BinaryReader reader, VectorArena vectors, HnswParameters parameters)
    {
        var graph = new HnswGraph(vectors, parameters);
        var nodes = reader.ReadInt32();
        var entry = reader.ReadInt32();
        var topLevel = reader.ReadInt32();
        if (nodes != vectors.Count || entry < -1 || entry >= nodes || topLevel is < -1 or > MaxLevel || (nodes > 0) != (entry >= 0))
        {
            throw new InvalidDataException("The HNSW header does not match the stored vectors.");
        }

        for (var node = 0; node < nodes; node++)
        {
            int level = reader.ReadByte();
            if (level > topLevel || level != graph.LevelOf(node))
            {
                throw new InvalidDataException($"HNSW node {node} has an impossible level {level}.");
            }

            graph.AllocateNode(node, level);
            for (var l = 0; l <= level; l++)
            {
                var links = graph.LinksOf(node, l);
                var count = reader.ReadInt32();
                if (count < 0 || count >= links.Length)
                {
                    throw new InvalidDataException($"HNSW node {node} has {count} links on level {l}.");
                }

                links[0] = count;
                for (var i = 1; i <= count; i++)
                {
                    var neighbour = reader.ReadInt32();
                    if (neighbour < 0 || neighbour >= nodes)
                    {
                        throw new InvalidDataException($"HNSW node {node} links to a missing node {neighbour}.");
                    }

                    links[i] = neighbour;
                }
            }
        }

        graph.NodeCount = nodes;
        graph._entryPoint = entry;
        graph._topLevel = topLevel;
        return graph;
    }
}
