using System.Runtime.InteropServices;
using Google.Protobuf;
using RagPlatform.OnnxGraph.Protobuf;

namespace RagPlatform.OnnxGraph.Model;

/// <summary>TensorProto.DataType values the tools use.</summary>
internal static class DataType
{
    public const int Float = 1;
    public const int UInt8 = 2;
    public const int Int8 = 3;
    public const int Int32 = 6;
    public const int Int64 = 7;
    public const int Float16 = 10;
}

/// <summary>Reads and makes initializers (little-endian raw_data, as ONNX stores it).</summary>
internal static class TensorData
{
    public static long ElementCount(TensorProto tensor) => tensor.Dims.Aggregate(1L, (n, d) => n * d);

    /// <summary>A float32 tensor's values from raw_data or float_data; external data must have been loaded first.</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != DataType.Float)
        {
            throw new OnnxGraphException($"Initializer '{tensor.Name}' is of ONNX data type {tensor.DataType}, not float32.");
        }

        if (ExternalData.IsExternal(tensor))
        {
            throw new InvalidOperationException($"Initializer '{tensor.Name}' is still external.");
        }

        var count = ElementCount(tensor);
        if (tensor.HasRawData)
        {
            if (tensor.RawData.Length != count * sizeof(float))
            {
                throw new OnnxGraphException($"Initializer '{tensor.Name}' holds {tensor.RawData.Length} bytes for {count} floats.");
            }

            // ONNX raw_data is little-endian, as is every platform .NET runs these tools on.
            return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
        }

        return tensor.FloatData.Count == count
            ? [.. tensor.FloatData]
            : throw new OnnxGraphException($"Initializer '{tensor.Name}' holds {tensor.FloatData.Count} floats for dims [{string.Join(", ", tensor.Dims)}].");
    }

    public static TensorProto Create<T>(string name, int dataType, ReadOnlySpan<long> dims, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var tensor = new TensorProto { Name = name, DataType = dataType, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)) };
        foreach (var dim in dims)
        {
            tensor.Dims.Add(dim);
        }

        return tensor;
    }
}
