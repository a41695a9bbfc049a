using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RagPlatform.Inference.Runtime;
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

    /// <summary>Runs <paramref name="session"/> on this batch and returns the signature's output; the caller disposes it.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(OnnxSession session, EncoderSignature signature, CancellationToken cancellationToken)
    {
        long[] shape = [BatchSize, SequenceLength];
        using var ids = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Ids, shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Mask, shape);
        using var types = signature.HasTokenTypes ? OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, Types, shape) : null;
        OrtValue[] inputs = types is null ? [ids, mask] : [ids, mask, types];
        return session.Run(signature.InputNames, inputs, signature.OutputNames, cancellationToken);
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
    public string[] InputNames { get; } = HasTokenTypes ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];

    public string[] OutputNames { get; } = [Output];

    /// <summary>Checks the graph has the Optimum encoder interface and picks the first of <paramref name="outputs"/> it has.</summary>
    public static EncoderSignature Of(OnnxSession session, params string[] outputs)
    {
        foreach (var required in new[] { "input_ids", "attention_mask" })
        {
            if (!session.Inputs.TryGetValue(required, out var input))
            {
                throw new NotSupportedException($"'{session.ModelPath}' has no '{required}' input; it has: {string.Join(", ", session.Inputs.Keys)}.");
            }

            if (input.ElementDataType != TensorElementType.Int64)
            {
                throw new NotSupportedException($"Input '{required}' of '{session.ModelPath}' is {input.ElementDataType}; int64 is required.");
            }
        }

        var output = outputs.FirstOrDefault(session.Outputs.ContainsKey)
            ?? throw new NotSupportedException($"'{session.ModelPath}' has none of the outputs {string.Join(", ", outputs)}; it has: {string.Join(", ", session.Outputs.Keys)}.");
        if (session.Outputs[output].ElementDataType != TensorElementType.Float)
        {
            throw new NotSupportedException($"Output '{output}' of '{session.ModelPath}' is not float32.");
        }

        return new EncoderSignature(session.Inputs.ContainsKey("token_type_ids"), output);
    }
}
