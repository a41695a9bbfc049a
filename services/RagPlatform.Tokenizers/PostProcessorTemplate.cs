namespace RagPlatform.Tokenizers;

/// <summary>One element of a TemplateProcessing template: a special token id, or sequence A (0) / B (1).</summary>
internal readonly record struct TemplatePiece(int? SpecialTokenId, int Sequence, int TypeId)
{
    public static TemplatePiece Special(int id, int typeId) => new(id, -1, typeId);

    public static TemplatePiece OfSequence(int sequence, int typeId) => new(null, sequence, typeId);
}

/// <summary>Hugging Face's TemplateProcessing post-processor (e.g. "[CLS] $A [SEP]" / "[CLS] $A [SEP] $B:1 [SEP]:1").</summary>
internal sealed record PostProcessorTemplate(IReadOnlyList<TemplatePiece> Single, IReadOnlyList<TemplatePiece> Pair)
{
    /// <summary>No special tokens: byte-level BPE models such as Qwen2.5.</summary>
    public static PostProcessorTemplate None { get; } = new(
        [TemplatePiece.OfSequence(0, 0)],
        [TemplatePiece.OfSequence(0, 0), TemplatePiece.OfSequence(1, 1)]);

    public static PostProcessorTemplate Bert(int cls, int sep) => new(
        [TemplatePiece.Special(cls, 0), TemplatePiece.OfSequence(0, 0), TemplatePiece.Special(sep, 0)],
        [
            TemplatePiece.Special(cls, 0), TemplatePiece.OfSequence(0, 0), TemplatePiece.Special(sep, 0),
            TemplatePiece.OfSequence(1, 1), TemplatePiece.Special(sep, 1),
        ]);

    public int SpecialCount(bool pair) => (pair ? Pair : Single).Count(p => p.SpecialTokenId is not null);

    public TokenEncoding Apply(TokenSequence first, TokenSequence? second, bool addSpecialTokens, int overflow)
    {
        var pieces = second is null ? Single : Pair;
        var capacity = first.Count + (second?.Count ?? 0) + pieces.Count;
        var ids = new List<int>(capacity);
        var typeIds = new List<int>(capacity);
        var offsets = new List<TokenOffset>(capacity);
        var sequenceIds = new List<int>(capacity);
        foreach (var piece in pieces)
        {
            if (piece.SpecialTokenId is { } special)
            {
                if (addSpecialTokens)
                {
                    ids.Add(special);
                    typeIds.Add(piece.TypeId);
                    offsets.Add(default);
                    sequenceIds.Add(-1);
                }

                continue;
            }

            var sequence = piece.Sequence == 0 ? first : second!;
            ids.AddRange(sequence.Ids);
            offsets.AddRange(sequence.Offsets);
            for (var i = 0; i < sequence.Count; i++)
            {
                typeIds.Add(piece.TypeId);
                sequenceIds.Add(piece.Sequence);
            }
        }

        return new TokenEncoding(ids, typeIds, offsets, sequenceIds, overflow);
    }
}
