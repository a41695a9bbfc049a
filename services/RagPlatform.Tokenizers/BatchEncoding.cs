namespace RagPlatform.Tokenizers;

/// <summary>
/// A padded batch as flat row-major [BatchSize, SequenceLength] int64 buffers, the layout ONNX models take for
/// input_ids, attention_mask and token_type_ids.
/// </summary>
public sealed record BatchEncoding(
    int BatchSize,
    int SequenceLength,
    long[] InputIds,
    long[] AttentionMask,
    long[] TokenTypeIds,
    IReadOnlyList<TokenEncoding> Rows);

/// <summary>Batch encoding with padding for any <see cref="ITokenizer"/>.</summary>
public static class TokenizerBatchExtensions
{
    /// <summary>Encodes texts, truncating each to <paramref name="maxLength"/> (default: the model's maximum), and pads.</summary>
    public static BatchEncoding EncodeBatch(this ITokenizer tokenizer, IReadOnlyList<string> texts,
        PaddingStrategy padding = PaddingStrategy.Longest, int? maxLength = null, PaddingSide side = PaddingSide.Right)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var limit = maxLength ?? tokenizer.ModelMaxLength;
        var rows = texts.Select(t => tokenizer.Encode(t, maxLength: limit)).ToList();
        return Pad(tokenizer, rows, padding, limit, side);
    }

    /// <summary>Encodes (first, second) pairs — e.g. a query against each passage for a cross-encoder — and pads.</summary>
    public static BatchEncoding EncodePairBatch(this ITokenizer tokenizer, IReadOnlyList<(string First, string Second)> pairs,
        TruncationStrategy truncation = TruncationStrategy.LongestFirst, PaddingStrategy padding = PaddingStrategy.Longest,
        int? maxLength = null, PaddingSide side = PaddingSide.Right)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var limit = maxLength ?? tokenizer.ModelMaxLength;
        var rows = pairs.Select(p => tokenizer.EncodePair(p.First, p.Second, truncation, limit)).ToList();
        return Pad(tokenizer, rows, padding, limit, side);
    }

    private static BatchEncoding Pad(ITokenizer tokenizer, List<TokenEncoding> rows, PaddingStrategy padding, int maxLength,
        PaddingSide side)
    {
        var length = padding == PaddingStrategy.MaxLength ? maxLength : rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        var padId = tokenizer.SpecialTokens.Pad ?? throw new InvalidOperationException("The tokenizer has no pad token.");
        var ids = new long[rows.Count * length];
        var mask = new long[rows.Count * length];
        var types = new long[rows.Count * length];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var offset = r * length;
            var first = side == PaddingSide.Left ? length - row.Length : 0;
            ids.AsSpan(offset, length).Fill(padId);
            for (var i = 0; i < row.Length; i++)
            {
                ids[offset + first + i] = row.Ids[i];
                mask[offset + first + i] = 1;
                types[offset + first + i] = row.TypeIds[i];
            }
        }

        return new BatchEncoding(rows.Count, length, ids, mask, types, rows);
    }
}
