using System.Numerics.Tensors;
using RagPlatform.Onnx;

namespace RagPlatform.Inference.Generation;

/// <summary>
/// One sequence's decoding state: the KV cache (ORT tensors fed back from present.* to past_key_values.* without a
/// copy) and the id, position and mask buffers, sized once for the whole generation so a step allocates no arrays.
/// Not thread-safe; dispose to release the cache.
/// </summary>
internal sealed class DecoderState : IDisposable
{
    private readonly OnnxRuntime _runtime;
    private readonly InferenceSession _session;
    private readonly DecoderSignature _signature;
    private readonly CacheTensorCounter _counter;
    private readonly long[] _tokens;
    private readonly long[] _positions;
    private readonly long[] _mask;
    private readonly OrtTensor?[] _cache;
    private readonly NamedTensor[] _inputs;

    public DecoderState(OnnxRuntime runtime, InferenceSession session, DecoderSignature signature, int capacity, CacheTensorCounter counter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _runtime = runtime;
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

        _inputs = new NamedTensor[2 + (signature.HasPositionIds ? 1 : 0) + (2 * signature.Layers.Count)];
        _cache = new OrtTensor?[2 * signature.Layers.Count];
        try
        {
            for (var i = 0; i < _cache.Length; i++)
            {
                _cache[i] = EmptyCache();
                counter.Add(1);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
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
        using var outputs = Run(ids, cancellationToken);
        var logits = outputs[0];
        var vocabulary = (int)logits.Shape[^1];
        if (lastLogits.Length != vocabulary)
        {
            throw new ArgumentException($"The logits buffer holds {lastLogits.Length} values; the model has {vocabulary}.", nameof(lastLogits));
        }

        var rows = (int)logits.Shape[^2];
        if (rows != 1 && rows != ids.Length)
        {
            throw new InvalidOperationException($"The model returned logits for {rows} positions of the {ids.Length} fed; expected 1 or {ids.Length}.");
        }

        CopyRow(logits, rows - 1, lastLogits);
    }

    public void Dispose()
    {
        for (var i = 0; i < _cache.Length; i++)
        {
            if (_cache[i] is { } tensor)
            {
                tensor.Dispose();
                _cache[i] = null;
                _counter.Add(-1);
            }
        }
    }

    private SessionOutputs Run(ReadOnlySpan<int> ids, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_cache.Length > 0 && _cache[0] is null, this);
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

        using var inputIds = _runtime.CreateTensor(_tokens.AsMemory(past, ids.Length), [1, ids.Length]);
        using var mask = _runtime.CreateTensor(_mask.AsMemory(0, total), [1, total]);
        using var positions = _signature.HasPositionIds ? _runtime.CreateTensor(_positions.AsMemory(past, ids.Length), [1, ids.Length]) : null;
        var slot = 0;
        _inputs[slot++] = new("input_ids", inputIds);
        _inputs[slot++] = new("attention_mask", mask);
        if (positions is not null)
        {
            _inputs[slot++] = new("position_ids", positions);
        }

        for (var l = 0; l < _signature.Layers.Count; l++)
        {
            _inputs[slot++] = new(_signature.Layers[l].PastKey, _cache[2 * l]!);
            _inputs[slot++] = new(_signature.Layers[l].PastValue, _cache[(2 * l) + 1]!);
        }

        SessionOutputs outputs;
        try
        {
            outputs = _session.Run(_inputs, _signature.OutputNames, cancellationToken);
        }
        finally
        {
            Array.Clear(_inputs);
        }

        // present.* become the next step's past_key_values.*: take them out of the outputs, release the old cache.
        for (var l = 0; l < _signature.Layers.Count; l++)
        {
            Replace(2 * l, outputs.Take(_signature.Layers[l].PresentKey));
            Replace((2 * l) + 1, outputs.Take(_signature.Layers[l].PresentValue));
        }

        Length = total;
        return outputs;
    }

    private void Replace(int index, OrtTensor fresh)
    {
        _cache[index]?.Dispose();
        _cache[index] = fresh;
    }

    private OrtTensor EmptyCache() => _signature.CacheType == TensorElementType.Float16
        ? _runtime.AllocateTensor<Half>(1, _signature.CacheHeads, 0, _signature.HeadDimension)
        : _runtime.AllocateTensor<float>(1, _signature.CacheHeads, 0, _signature.HeadDimension);

    private static void CopyRow(OrtTensor logits, int row, Span<float> destination)
    {
        var width = destination.Length;
        if (logits.ElementType == TensorElementType.Float16)
        {
            TensorPrimitives.ConvertToSingle(logits.GetData<Half>().Slice(row * width, width), destination);
        }
        else
        {
            logits.GetData<float>().Slice(row * width, width).CopyTo(destination);
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
