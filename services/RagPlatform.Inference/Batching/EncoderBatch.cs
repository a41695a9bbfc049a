using System.Buffers;
using RagPlatform.Onnx;
using RagPlatform.Tokenizers;

namespace RagPlatform.Inference.Batching;

/// <summary>
/// Encoded rows padded on the right to the longest row, in pooled int64 buffers handed to ORT without copying.
/// Dispose only after every tensor made from it is disposed: ORT reads the buffers in place.
/// </summary>
internal sealed class EncoderBatch : IDisposable
{
    private readonly long[] _ids;
    private readonly long[] _mask;
    private readonly long[] _types;

    public EncoderBatch(IReadOnlyList<TokenEncoding> rows, int padId)
    {
        Rows = rows;
        SequenceLength = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        var size = rows.Count * SequenceLength;
        _ids = ArrayPool<long>.Shared.Rent(Math.Max(size, 1));
        _mask = ArrayPool<long>.Shared.Rent(Math.Max(size, 1));
        _types = ArrayPool<long>.Shared.Rent(Math.Max(size, 1));
        Ids.Span.Fill(padId);
        Mask.Span.Clear();
        Types.Span.Clear();
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var offset = r * SequenceLength;
            for (var i = 0; i < row.Length; i++)
            {
                _ids[offset + i] = row.Ids[i];
                _mask[offset + i] = 1;
                _types[offset + i] = row.TypeIds[i];
            }
        }
    }

    public IReadOnlyList<TokenEncoding> Rows { get; }

    public int BatchSize => Rows.Count;

    public int SequenceLength { get; }

    private Memory<long> Ids => _ids.AsMemory(0, BatchSize * SequenceLength);

    private Memory<long> Mask => _mask.AsMemory(0, BatchSize * SequenceLength);

    private Memory<long> Types => _types.AsMemory(0, BatchSize * SequenceLength);

    /// <summary>Runs <paramref name="session"/> on this batch and returns the requested output (the rest are released).</summary>
    public SessionOutputs Run(OnnxRuntime runtime, InferenceSession session, EncoderSignature signature, CancellationToken cancellationToken)
    {
        using var ids = runtime.CreateTensor(Ids, [BatchSize, SequenceLength]);
        using var mask = runtime.CreateTensor(Mask, [BatchSize, SequenceLength]);
        using var types = signature.HasTokenTypes ? runtime.CreateTensor(Types, [BatchSize, SequenceLength]) : null;
        NamedTensor[] inputs = types is null
            ? [new("input_ids", ids), new("attention_mask", mask)]
            : [new("input_ids", ids), new("attention_mask", mask), new("token_type_ids", types)];
        return session.Run(inputs, [signature.Output], cancellationToken);
    }

    public void Dispose()
    {
        ArrayPool<long>.Shared.Return(_ids);
        ArrayPool<long>.Shared.Return(_mask);
        ArrayPool<long>.Shared.Return(_types);
    }
}

/// <summary>The inputs an encoder (BERT-like) graph takes and the output a pipeline reads.</summary>
internal sealed record EncoderSignature(bool HasTokenTypes, string Output)
{
    /// <summary>Checks the graph has the Optimum encoder interface and picks the first of <paramref name="outputs"/> it has.</summary>
    public static EncoderSignature Of(InferenceSession session, params string[] outputs)
    {
        foreach (var required in new[] { "input_ids", "attention_mask" })
        {
            var input = session.Inputs.FirstOrDefault(i => i.Name == required)
                ?? throw new NotSupportedException($"'{session.ModelPath}' has no '{required}' input; it has: {string.Join(", ", session.Inputs.Select(i => i.Name))}.");
            if (input.ElementType != TensorElementType.Int64)
            {
                throw new NotSupportedException($"Input '{required}' of '{session.ModelPath}' is {input.ElementType}; int64 is required.");
            }
        }

        var output = outputs.FirstOrDefault(name => session.Outputs.Any(o => o.Name == name))
            ?? throw new NotSupportedException($"'{session.ModelPath}' has none of the outputs {string.Join(", ", outputs)}; it has: {string.Join(", ", session.Outputs.Select(o => o.Name))}.");
        if (session.Outputs.First(o => o.Name == output).ElementType != TensorElementType.Float)
        {
            throw new NotSupportedException($"Output '{output}' of '{session.ModelPath}' is not float32.");
        }

        return new EncoderSignature(session.Inputs.Any(i => i.Name == "token_type_ids"), output);
    }
}
