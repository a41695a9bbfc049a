using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RagPlatform.Inference.Runtime;

namespace RagPlatform.Inference.Generation;

/// <summary>
/// One sequence's decoding state: the KV cache (ORT's present.* outputs fed back as the next step's past_key_values.*
/// without a copy) and the id, position and mask buffers, sized once for the whole generation and handed to ORT pinned,
/// so a step allocates no data buffers. Not thread-safe; dispose to release the cache.
/// </summary>
/// <remarks>
/// Plain runs rather than an IOBinding: on the CPU provider the cache already stays where ORT wrote it and the logits
/// are read in place, so a binding saves only name lookups, and its outputs must be re-bound every step because their
/// shape grows. Measured on the tiny forged Qwen (128 one-token steps, 9 interleaved rounds): no gain beyond noise.
/// </remarks>
internal sealed class DecoderState : IDisposable
{
    private readonly OnnxSession _session;
    private readonly DecoderSignature _signature;
    private readonly CacheTensorCounter _counter;
    private readonly long[] _tokens;
    private readonly long[] _positions;
    private readonly long[] _mask;
    private readonly OrtValue[] _inputs;
    private readonly int _cacheStart;

    // What owns the cache the next step reads: first one empty [1, heads, 0, head_dim] tensor fed to every past input,
    // then the previous step's outputs (present.* are read where ORT wrote them). Null once disposed.
    private IDisposable? _cacheOwner;

    public DecoderState(OnnxSession session, DecoderSignature signature, int capacity, CacheTensorCounter counter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _session = session;
        _signature = signature;
        _counter = counter;
        _tokens = new long[capacity];
        _positions = new long[capacity];
        _mask = new long[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _positions[i] = i;
            _mask[i] = 1;
        }

        _inputs = new OrtValue[signature.InputNames.Length];
        _cacheStart = _inputs.Length - (2 * signature.Layers.Count);
        var empty = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, signature.CacheType, [1, signature.CacheHeads, 0, signature.HeadDimension]);
        _inputs.AsSpan(_cacheStart).Fill(empty);
        _cacheOwner = empty;
        counter.Add(2 * signature.Layers.Count);
    }

    /// <summary>Tokens held in the cache.</summary>
    public int Length { get; private set; }

    public int Capacity => _tokens.Length;

    /// <summary>
    /// Feeds <paramref name="ids"/> after the cached tokens and writes the logits of the last one into <paramref name="lastLogits"/>.
    /// The model returns logits for every fed position ([1, ids.Length, vocabulary], as Optimum exports) or for the last
    /// only ([1, 1, vocabulary]: the forge's export and `rag models optimize`'s rewrite); either way the last row is it.
    /// </summary>
    public void Forward(ReadOnlySpan<int> ids, Span<float> lastLogits, CancellationToken cancellationToken)
    {
        using var logits = Run(ids, cancellationToken);
        var (rows, vocabulary) = LogitsShape(logits, ids.Length);
        if (lastLogits.Length != vocabulary)
        {
            throw new ArgumentException($"The logits buffer holds {lastLogits.Length} values; the model has {vocabulary}.", nameof(lastLogits));
        }

        CopyRow(logits, rows - 1, lastLogits);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _cacheOwner, null) is { } owner)
        {
            owner.Dispose();
            Array.Clear(_inputs);
            _counter.Add(-2 * _signature.Layers.Count);
        }
    }

    /// <summary>
    /// One forward pass; returns the logits, which the caller disposes as soon as it has read them so a prefill chunk's
    /// large logits do not live until the next step (the outputs that own the cache dispose them again, a no-op).
    /// </summary>
    private OrtValue Run(ReadOnlySpan<int> ids, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_cacheOwner is null, this);
        if (ids.IsEmpty)
        {
            throw new ArgumentException("At least one token is needed.", nameof(ids));
        }

        var past = Length;
        var total = past + ids.Length;
        if (total > Capacity)
        {
            throw new InvalidOperationException($"The sequence would reach {total} tokens; this state holds {Capacity}.");
        }

        for (var i = 0; i < ids.Length; i++)
        {
            _tokens[past + i] = ids[i];
        }

        long[] fed = [1, ids.Length];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _tokens.AsMemory(past, ids.Length), fed);
        using var mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _mask.AsMemory(0, total), [1, total]);
        using var positions = _signature.HasPositionIds
            ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _positions.AsMemory(past, ids.Length), fed)
            : null;
        _inputs[0] = inputIds;
        _inputs[1] = mask;
        if (positions is not null)
        {
            _inputs[2] = positions;
        }

        var outputs = _session.Run(_signature.InputNames, _inputs, _signature.OutputNames, cancellationToken);

        // present.* become the next step's past_key_values.*: they stay where ORT wrote them, owned by this step's
        // outputs, and the previous step's cache is released.
        for (var i = 1; i < outputs.Count; i++)
        {
            _inputs[_cacheStart + i - 1] = outputs[i];
        }

        var previous = _cacheOwner;
        _cacheOwner = outputs;
        previous.Dispose();
        Length = total;
        return outputs[0];
    }

    private (int Rows, int Vocabulary) LogitsShape(OrtValue logits, int fed)
    {
        var shape = logits.GetTensorTypeAndShape().Shape;
        if (shape.Length != 3 || shape[0] != 1 || (shape[1] != fed && shape[1] != 1))
        {
            throw new InvalidOperationException($"'{_session.ModelPath}' returned logits [{string.Join(',', shape)}] for {fed} tokens; [1, {fed} or 1, vocabulary] was expected.");
        }

        return ((int)shape[1], (int)shape[2]);
    }

    private static void CopyRow(OrtValue logits, int row, Span<float> destination)
    {
        var width = destination.Length;
        if (logits.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float16)
        {
            // ORT's Float16 is IEEE binary16 like System.Half, bit for bit.
            var half = MemoryMarshal.Cast<Float16, Half>(logits.GetTensorDataAsSpan<Float16>());
            TensorPrimitives.ConvertToSingle(half.Slice(row * width, width), destination);
        }
        else
        {
            logits.GetTensorDataAsSpan<float>().Slice(row * width, width).CopyTo(destination);
        }
    }
}

/// <summary>Live KV-cache tensors of one generator: what cancellation and disposal must bring back to zero.</summary>
internal sealed class CacheTensorCounter
{
    private int _live;

    public int Live => Volatile.Read(ref _live);

    public void Add(int delta) => Interlocked.Add(ref _live, delta);
}
