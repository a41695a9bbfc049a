using Google.Protobuf;
using RagPlatform.OnnxGraph.Protobuf;

namespace RagPlatform.OnnxGraph.Model;

/// <summary>
/// Reads and writes ONNX files. Protobuf cannot hold a message past 2 GiB, so a larger model keeps its weights in an
/// external-data file (model.onnx_data) that initializers point into: <see cref="ExternalData.Load"/> brings those
/// bytes inline when a tool needs them (quantisation), a graph rewrite leaves the references as they are.
/// </summary>
internal static class OnnxFile
{
    /// <summary>Protobuf's own limit on one message (and so on an ONNX file without external data).</summary>
    public const long MaxProtobufBytes = int.MaxValue;

    public static ModelProto Load(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new OnnxGraphException($"'{path}' does not exist.");
        }

        if (info.Length >= MaxProtobufBytes)
        {
            throw new OnnxGraphException(
                $"'{path}' is {info.Length:N0} bytes: protobuf cannot hold a model past 2 GiB, so a valid ONNX file that large does not exist. " +
                "Export it with external data (model.onnx + model.onnx_data).");
        }

        ModelProto model;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new OnnxGraphException($"'{path}' is not an ONNX model (protobuf: {error.Message}).", error);
        }

        if (model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new OnnxGraphException($"'{path}' holds no graph: it is not an ONNX model.");
        }

        return model;
    }

    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (fsynced); the caller makes the folder visible atomically.</summary>
    public static void Save(ModelProto model, string path)
    {
        long size = model.CalculateSize();
        if (size >= MaxProtobufBytes)
        {
            throw new OnnxGraphException(
                $"The result would be {size:N0} bytes, past protobuf's 2 GiB limit; writing weights as external data is not supported by these tools.");
        }

        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        model.WriteTo(stream);
        stream.Flush(flushToDisk: true);
    }
}
