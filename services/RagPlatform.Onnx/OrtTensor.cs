using System.Buffers;
using RagPlatform.Onnx.Native;

namespace RagPlatform.Onnx;

/// <summary>
/// A tensor held by ONNX Runtime (an OrtValue): either created over caller memory without a copy
/// (see <see cref="OnnxRuntime.CreateTensor{T}(T[], ReadOnlySpan{long})"/>), allocated by ORT, or returned by a Run.
/// Any tensor can be passed as an input to a later Run, outputs included, without copying
/// (a decoder feeds present.* back as past_key_values.*). Dispose it to release the native value.
/// </summary>
/// <remarks>
/// Spans from <see cref="GetData{T}"/> point into native memory and are valid only until the tensor is disposed;
/// copy with <see cref="ToArray{T}"/> to keep data longer. Reading from several threads is safe; do not write to a
/// tensor that a Run is reading.
/// </remarks>
public sealed unsafe class OrtTensor : IDisposable
{
    private readonly long[] _shape;
    private readonly void* _data;

    private OrtTensor(ValueHandle handle, TensorElementType elementType, long[] shape, void* data)
    {
        Handle = handle;
        ElementType = elementType;
        _shape = shape;
        _data = data;
        ElementCount = ElementCountOf(shape);
    }

    public TensorElementType ElementType { get; }

    /// <summary>Concrete dimensions (never -1).</summary>
    public ReadOnlySpan<long> Shape => _shape;

    public long ElementCount { get; }

    internal ValueHandle Handle { get; }

    /// <summary>The elements in row-major order, read in place. Throws if <typeparamref name="T"/> does not match <see cref="ElementType"/>.</summary>
    public ReadOnlySpan<T> GetData<T>()
        where T : unmanaged => GetMutableData<T>();

    /// <summary>The elements in row-major order, writable in place (to fill an allocated tensor).</summary>
    public Span<T> GetMutableData<T>()
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(Handle.IsClosed, this);
        var requested = TensorElementTypes.Of<T>();
        if (requested != ElementType)
        {
            throw new InvalidOperationException(
                $"This tensor holds {ElementType} elements; {typeof(T).Name} maps to {requested}.");
        }

        return ElementCount == 0 ? [] : new Span<T>(_data, checked((int)ElementCount));
    }

    /// <summary>A managed copy of the elements, safe to keep after the tensor is disposed.</summary>
    public T[] ToArray<T>()
        where T : unmanaged => GetData<T>().ToArray();

    public void Dispose() => Handle.Dispose();

    public override string ToString() => $"{ElementType}[{string.Join(',', _shape)}]";

    /// <summary>Wraps caller memory without copying; the memory stays pinned (and its owner undisposed) until the value is released.</summary>
    internal static OrtTensor OverMemory<T>(OrtApi api, MemoryInfoHandle cpu, Memory<T> data, ReadOnlySpan<long> shape, IDisposable? owner)
        where T : unmanaged
    {
        var type = TensorElementTypes.Require<T>();
        var count = ElementCountOf(shape);
        if (count != data.Length)
        {
            throw new ArgumentException(
                $"Shape [{string.Join(',', shape.ToArray())}] holds {count} elements but the buffer has {data.Length}.", nameof(data));
        }

        if (count == 0)
        {
            // ORT wants a real pointer for user buffers; an empty tensor needs no memory, so let ORT make it.
            owner?.Dispose();
            return Allocate<T>(api, shape);
        }

        var pin = data.Pin();
        nint value;
        try
        {
            value = api.CreateTensorWithData(cpu, pin.Pointer, (nuint)(count * sizeof(T)), shape, type);
        }
        catch
        {
            pin.Dispose();
            throw;
        }

        return new OrtTensor(new ValueHandle(api, value, pin, owner), type, shape.ToArray(), pin.Pointer);
    }

    /// <summary>A tensor in memory ORT allocates, zero-filled.</summary>
    internal static OrtTensor Allocate<T>(OrtApi api, ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var type = TensorElementTypes.Require<T>();
        var count = ElementCountOf(shape);
        var handle = new ValueHandle(api, api.CreateTensorWithAllocator(shape, type));
        try
        {
            var data = api.GetTensorMutableData(handle.DangerousGetHandle());
            new Span<byte>(data, checked((int)(count * sizeof(T)))).Clear();
            return new OrtTensor(handle, type, shape.ToArray(), data);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Takes ownership of a value ORT returned from a Run.</summary>
    internal static OrtTensor FromOutput(OrtApi api, ValueHandle handle, string outputName)
    {
        var value = handle.DangerousGetHandle();
        if (!api.IsTensor(value))
        {
            throw new NotSupportedException(
                $"Output '{outputName}' is a {api.GetValueType(value)}, not a tensor; only tensor outputs are supported.");
        }

        var (type, shape) = api.GetTensorTypeAndShape(value);
        return new OrtTensor(handle, type, shape, api.GetTensorMutableData(value));
    }

    private static long ElementCountOf(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Dimensions must be concrete (>= 0); got {dim}.", nameof(shape));
            }

            count = checked(count * dim);
        }

        return count;
    }
}
