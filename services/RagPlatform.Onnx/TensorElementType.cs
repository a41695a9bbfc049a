namespace RagPlatform.Onnx;

/// <summary>ONNX's tensor element types (<c>ONNXTensorElementDataType</c>), same numeric values.</summary>
public enum TensorElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
    Float8E4M3FN = 17,
    Float8E4M3FNUZ = 18,
    Float8E5M2 = 19,
    Float8E5M2FNUZ = 20,
    UInt4 = 21,
    Int4 = 22,
    Float4E2M1 = 23,
}

/// <summary>The kind of value a model input or output carries (<c>ONNXType</c>).</summary>
public enum OnnxValueType
{
    Unknown = 0,
    Tensor = 1,
    Sequence = 2,
    Map = 3,
    Opaque = 4,
    SparseTensor = 5,
    Optional = 6,
}

/// <summary>Maps CLR element types to ONNX element types for tensors backed by managed memory.</summary>
internal static class TensorElementTypes
{
    /// <summary>The ONNX type whose memory layout is exactly <typeparamref name="T"/>, or Undefined.</summary>
    public static TensorElementType Of<T>()
        where T : unmanaged
    {
        // typeof comparisons fold to a constant per instantiation.
        if (typeof(T) == typeof(float)) return TensorElementType.Float;
        if (typeof(T) == typeof(long)) return TensorElementType.Int64;
        if (typeof(T) == typeof(Half)) return TensorElementType.Float16;
        if (typeof(T) == typeof(int)) return TensorElementType.Int32;
        if (typeof(T) == typeof(bool)) return TensorElementType.Bool;
        if (typeof(T) == typeof(double)) return TensorElementType.Double;
        if (typeof(T) == typeof(byte)) return TensorElementType.UInt8;
        if (typeof(T) == typeof(sbyte)) return TensorElementType.Int8;
        if (typeof(T) == typeof(short)) return TensorElementType.Int16;
        if (typeof(T) == typeof(ushort)) return TensorElementType.UInt16;
        if (typeof(T) == typeof(uint)) return TensorElementType.UInt32;
        if (typeof(T) == typeof(ulong)) return TensorElementType.UInt64;
        return TensorElementType.Undefined;
    }

    public static TensorElementType Require<T>()
        where T : unmanaged
    {
        var type = Of<T>();
        return type != TensorElementType.Undefined
            ? type
            : throw new NotSupportedException($"{typeof(T).Name} has no ONNX tensor element type.");
    }
}
