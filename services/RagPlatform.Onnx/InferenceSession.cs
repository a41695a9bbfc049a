using System.Runtime.InteropServices;
using RagPlatform.Onnx.Native;

namespace RagPlatform.Onnx;

/// <summary>
/// A loaded model. <see cref="Run"/> is thread-safe: one session serves concurrent requests.
/// Create it with <see cref="OnnxRuntime.OpenSession"/>; dispose it to free the model (a Run still in
/// flight on another thread keeps it alive until it returns).
/// </summary>
public sealed unsafe class InferenceSession : IDisposable
{
    // Below this many name/value slots a Run keeps its argument arrays on the stack.
    private const int StackSlots = 64;

    private readonly OrtApi _api;
    private readonly SessionHandle _handle;
    private readonly Utf8NameTable _names;
    private readonly string[] _outputNames;

    internal InferenceSession(OrtApi api, SessionHandle handle, string modelPath)
    {
        _api = api;
        _handle = handle;
        ModelPath = modelPath;
        Inputs = ReadNodes(api.SessionGetInputCount(handle), i => api.TakeNodeMetadata(api.SessionGetInputName(handle, i), api.SessionGetInputTypeInfo(handle, i)));
        Outputs = ReadNodes(api.SessionGetOutputCount(handle), i => api.TakeNodeMetadata(api.SessionGetOutputName(handle, i), api.SessionGetOutputTypeInfo(handle, i)));
        Metadata = api.GetModelMetadata(handle);
        _outputNames = Outputs.Select(o => o.Name).ToArray();
        _names = new Utf8NameTable(Inputs.Select(i => i.Name).Concat(_outputNames));
    }

    public string ModelPath { get; }

    public IReadOnlyList<NodeMetadata> Inputs { get; }

    public IReadOnlyList<NodeMetadata> Outputs { get; }

    public ModelMetadata Metadata { get; }

    internal SessionHandle Handle => _handle;

    /// <summary>
    /// Runs the model. <paramref name="outputNames"/> empty means every output, in model order.
    /// Cancelling <paramref name="cancellationToken"/> stops the run at the next operator boundary
    /// (ORT's terminate flag) and throws <see cref="OperationCanceledException"/>; the session stays usable.
    /// ORT's own validation errors (unknown input name, wrong element type or shape, missing input)
    /// arrive as <see cref="OnnxRuntimeException"/>.
    /// </summary>
    public SessionOutputs Run(ReadOnlySpan<NamedTensor> inputs, ReadOnlySpan<string> outputNames = default, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var requested = outputNames.IsEmpty ? _outputNames : outputNames.ToArray();
        var inputCount = inputs.Length;
        var outputCount = requested.Length;
        var slotCount = (inputCount + outputCount) * 2;
        Span<nint> slots = slotCount <= StackSlots ? stackalloc nint[StackSlots] : new nint[slotCount];
        slots.Clear();

        List<nint>? temporaryNames = null;
        var sessionReferenced = false;
        var inputsReferenced = 0;
        RunOptionsHandle? runOptions = null;
        CancellationTokenRegistration registration = default;
        fixed (nint* slot = slots)
        {
            nint* inputNamePointers = slot, inputValues = slot + inputCount;
            nint* outputNamePointers = inputValues + inputCount, outputValues = outputNamePointers + outputCount;
            try
            {
                _handle.DangerousAddRef(ref sessionReferenced);
                for (var i = 0; i < inputCount; i++)
                {
                    var (name, tensor) = inputs[i];
                    ArgumentNullException.ThrowIfNull(tensor, $"inputs[{i}].Tensor");
                    inputNamePointers[i] = NamePointer(name, ref temporaryNames);
                    var referenced = false;
                    tensor.Handle.DangerousAddRef(ref referenced);
                    inputsReferenced++;
                    inputValues[i] = tensor.Handle.DangerousGetHandle();
                }

                for (var i = 0; i < outputCount; i++)
                {
                    outputNamePointers[i] = NamePointer(requested[i], ref temporaryNames);
                }

                if (cancellationToken.CanBeCanceled)
                {
                    runOptions = new RunOptionsHandle(_api, _api.CreateRunOptions());
                    registration = cancellationToken.UnsafeRegister(static state => ((RunOptionsHandle)state!).Terminate(), runOptions);
                }

                var status = _api.Run(
                    _handle.DangerousGetHandle(), runOptions?.DangerousGetHandle() ?? 0,
                    inputNamePointers, inputValues, (nuint)inputCount, outputNamePointers, (nuint)outputCount, outputValues);
                if (status != 0)
                {
                    var error = _api.TakeException(status);
                    throw cancellationToken.IsCancellationRequested
                        ? new OperationCanceledException("The ONNX Runtime run was cancelled.", error, cancellationToken)
                        : error;
                }

                return WrapOutputs(requested, new ReadOnlySpan<nint>(outputValues, outputCount));
            }
            finally
            {
                // Wait for a cancellation callback in progress before the run options go away.
                registration.Dispose();
                runOptions?.Dispose();
                for (var i = 0; i < inputsReferenced; i++)
                {
                    inputs[i].Tensor.Handle.DangerousRelease();
                }

                if (sessionReferenced)
                {
                    _handle.DangerousRelease();
                }

                temporaryNames?.ForEach(Marshal.FreeCoTaskMem);
                GC.KeepAlive(_names);
            }
        }
    }

    public void Dispose() => _handle.Dispose();

    public override string ToString() => $"InferenceSession({Path.GetFileName(ModelPath)})";

    private SessionOutputs WrapOutputs(string[] names, ReadOnlySpan<nint> values)
    {
        // Own every native value first so none leaks if reading one of them fails.
        var handles = new ValueHandle[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            handles[i] = new ValueHandle(_api, values[i]);
        }

        try
        {
            var tensors = new OrtTensor[handles.Length];
            for (var i = 0; i < handles.Length; i++)
            {
                tensors[i] = OrtTensor.FromOutput(_api, handles[i], names[i]);
            }

            return new SessionOutputs(names, tensors);
        }
        catch
        {
            Array.ForEach(handles, h => h.Dispose());
            throw;
        }
    }

    /// <summary>Cached UTF-8 for the model's own names; a name the model lacks is encoded for this call so ORT can report it.</summary>
    private nint NamePointer(string name, ref List<nint>? temporaries)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_names.TryGet(name, out var pointer))
        {
            return pointer;
        }

        pointer = Marshal.StringToCoTaskMemUTF8(name);
        (temporaries ??= []).Add(pointer);
        return pointer;
    }

    private static NodeMetadata[] ReadNodes(int count, Func<int, NodeMetadata> read)
    {
        var nodes = new NodeMetadata[count];
        for (var i = 0; i < count; i++)
        {
            nodes[i] = read(i);
        }

        return nodes;
    }
}
