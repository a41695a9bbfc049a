using Google.Protobuf;
using RagPlatform.OnnxGraph.Protobuf;

namespace RagPlatform.OnnxGraph.Model;

/// <summary>
/// ONNX's external-data convention: an initializer with data_location EXTERNAL names a file (relative to the model's
/// folder), an offset and a length in its external_data entries.
/// </summary>
internal static class ExternalData
{
    public static bool IsExternal(TensorProto tensor) => tensor.HasDataLocation && tensor.DataLocation == TensorProto.Types.DataLocation.External;

    /// <summary>The files the model's initializers point into, relative to its folder (e.g. model.onnx_data).</summary>
    public static IReadOnlySet<string> Files(ModelProto model) =>
        model.Graph.Initializer.Where(IsExternal).Select(t => Entry(t, "location") ?? "").ToHashSet(StringComparer.Ordinal);

    /// <summary>Reads every external initializer's bytes into raw_data, so the model can be changed and written as one file.</summary>
    public static void Load(ModelProto model, string modelDirectory)
    {
        var root = Path.GetFullPath(modelDirectory);
        var handles = new Dictionary<string, FileStream>(StringComparer.Ordinal);
        try
        {
            foreach (var tensor in model.Graph.Initializer.Where(IsExternal))
            {
                var location = Entry(tensor, "location")
                    ?? throw new OnnxGraphException($"Initializer '{tensor.Name}' is external but names no location.");
                var file = Path.GetFullPath(Path.Combine(root, location));
                if (!file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new OnnxGraphException($"Initializer '{tensor.Name}' points outside the model's folder ('{location}').");
                }

                if (!handles.TryGetValue(file, out var stream))
                {
                    stream = File.Exists(file)
                        ? new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16)
                        : throw new OnnxGraphException($"Initializer '{tensor.Name}' lives in '{location}', which is missing beside the model.");
                    handles[file] = stream;
                }

                var offset = long.Parse(Entry(tensor, "offset") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                var length = Entry(tensor, "length") is { } text
                    ? long.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
                    : stream.Length - offset;
                if (offset < 0 || length < 0 || offset + length > stream.Length || length > int.MaxValue)
                {
                    throw new OnnxGraphException($"Initializer '{tensor.Name}' asks for bytes {offset}..{offset + length} of '{location}', which holds {stream.Length}.");
                }

                var bytes = new byte[length];
                stream.Position = offset;
                stream.ReadExactly(bytes);
                tensor.RawData = UnsafeByteOperations.UnsafeWrap(bytes);
                tensor.ExternalData.Clear();
                tensor.ClearDataLocation();
            }
        }
        finally
        {
            foreach (var stream in handles.Values)
            {
                stream.Dispose();
            }
        }
    }

    private static string? Entry(TensorProto tensor, string key) => tensor.ExternalData.FirstOrDefault(e => e.Key == key)?.Value;
}
